import { BOARD_FULL_MESSAGE, BOARD_LIMITS, countItems } from "@/board";
import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import {
  answerRange,
  applyBatch,
  applyFlush,
  assembleFlushResponse,
  type BatchOutcome,
  type Command,
  type Doc,
  type FlushRequest,
  type FlushResponse,
  type FlushStep,
  type RemoteChanges,
} from "@/sync";
import type { Db } from "../db/database";
import { log } from "../observability/log";
import { metrics } from "../observability/metrics";
import type { BoardEvents } from "./BoardEvents";
import { type BoardLock, BoardStore, type StoredBatch, VersionConflict } from "./BoardStore";
import type { AppendedEntry, BoardLog, EntryPlanner } from "./entries";
import { BoardNotFound, HistoryRefused } from "./errors";
import { GroupCommit, type GroupCommitOptions } from "./GroupCommit";
import { KeyedSerialRunner } from "./KeyedSerialRunner";
import { assigneesOf, boardRules } from "./rules";

/** A board's state at a version, as this instance last knew it. */
interface BoardState {
  version: number;
  document: Doc;
  itemCount: number;
}

/** A hot board kept in memory: its state and its most recent commands. */
interface BoardRuntime extends BoardState {
  /** Commands of versions recentFrom + 1 .. version. */
  recent: Command[];
  /** The approximate bytes of each of `recent`. */
  recentSizes: number[];
  recentFrom: number;
  lastUsed: number;
  /**
   * The last recorded outcome of clients that flushed to this board, valid while the board row
   * was last written by `writtenBy` (this instance's last transaction on it): then no one else
   * can have recorded an outcome since, and a group needs no read of the clients' outcomes.
   */
  outcomes: Map<string, BatchOutcome>;
  writtenBy: string | null;
  /** Approximate bytes it holds: its document when loaded plus what commands added since. */
  bytes: number;
}

/** A group that ran outside the lock (BoardService.inTurn) and must run again under it. */
class Unconfirmed extends Error {
  override readonly name = "Unconfirmed";
}

/** What a value takes in memory, roughly: its JSON's length, counted twice for UTF-16. */
function approximateBytes(value: unknown): number {
  return 2 * (JSON.stringify(value)?.length ?? 0);
}

/** Clients' outcomes kept per hot board (the oldest go first). */
const MAX_KNOWN_CLIENTS = 10_000;

interface FlushJob {
  kind: "flush";
  request: FlushRequest;
  userId: string;
  /** The board's members among those the flush assigns (read only when it assigns someone). */
  members?: ReadonlySet<string>;
}

interface EntryJob {
  kind: "entry";
  userId: string;
  plan: EntryPlanner;
}

type Job = FlushJob | EntryJob;
type JobResult =
  | { ok: true; response: FlushResponse }
  | { ok: true; appended: AppendedEntry }
  | { ok: false; error: Error };
/** What a flush of a group came to, before the group commits: an outcome to answer, or a refusal. */
type Step =
  | { kind: "answer"; outcome: BatchOutcome; from: number }
  | { kind: "error"; error: Error };

export interface BoardServiceOptions {
  checkpointEvery?: number;
  /**
   * Commands kept in memory per board for answers and catch-up (older ones come from the
   * database): at least this many, at most half as many again (the list is trimmed in chunks).
   */
  recentLimit?: number;
  /** A board untouched this long is dropped from memory. */
  idleMs?: number;
  /** Most boards kept in memory; the least recently used go first. */
  maxBoards?: number;
  /** Most approximate bytes of boards kept in memory (documents and recent commands). */
  maxBytes?: number;
  /** How the boards' groups share statements and commits (GroupCommit). */
  groupCommit?: GroupCommitOptions;
}

/**
 * The master of every board, persisted. Flushes for one board run one group at a time in this
 * process (the keyed serial runner). While this instance wrote a board last, a group is one
 * statement that writes only if the board's row is still as that write left it; otherwise it runs
 * in one transaction that first locks the row, so instances sharing a PostgreSQL take turns per
 * board: whoever comes second catches up with the commands the first wrote, then applies its
 * group on top. No version is ever
 * written twice (the (board, version) key would refuse it anyway), and no board waits for another.
 */
export class BoardService implements BoardLog {
  readonly store: BoardStore;
  /** Hot boards, least recently used first. */
  private readonly runtimes = new Map<string, BoardRuntime>();
  /** Their approximate bytes, summed. */
  private bytes = 0;
  private readonly runner: KeyedSerialRunner<Job, JobResult>;
  private readonly options: Required<Omit<BoardServiceOptions, "groupCommit">>;
  private readonly commits: GroupCommit;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(
    private readonly prisma: PrismaClient,
    readonly events: BoardEvents,
    options: BoardServiceOptions = {},
  ) {
    this.options = {
      checkpointEvery: options.checkpointEvery ?? 500,
      recentLimit: options.recentLimit ?? 2000,
      idleMs: options.idleMs ?? 10 * 60_000,
      maxBoards: options.maxBoards ?? 1_000,
      maxBytes: options.maxBytes ?? 256 * 1024 * 1024,
    };
    this.store = new BoardStore(prisma, this.options.checkpointEvery);
    this.commits = new GroupCommit(this.store, prisma, options.groupCommit, (boards) =>
      metrics.commitBoards.observe(boards),
    );
    this.runner = new KeyedSerialRunner((boardId, jobs) => this.processGroup(boardId, jobs), 200);
    this.sweeper = setInterval(() => this.evictIdle(), Math.min(this.options.idleMs, 60_000));
    this.sweeper.unref();
  }

  /** A new board at version 0 with the empty board's document, owned by `ownerId`. */
  create(board: { id: string; title: string; ownerId: string }): Promise<void> {
    return this.store.createBoard(board);
  }

  /** The board's committed version and document (including what other instances wrote). */
  async load(boardId: string): Promise<{ version: number; document: Doc }> {
    const runtime = await this.runtime(boardId);
    const head = await this.store.version(boardId);
    if (head === null) throw new BoardNotFound(`Board ${boardId} not found`);
    // The board's serial runner moves the cached board on in place (a flush, an entry) while
    // this reads: take the version and document together, now, and work from that pair.
    const cached = { version: runtime.version, document: runtime.document };
    if (head <= cached.version) return { version: cached.version, document: cached.document };
    // Another instance wrote: answer from the database without touching the cache, which only
    // the board's serial runner changes.
    const state = await this.advance(boardId, cached, head, this.prisma);
    return { version: state.version, document: state.document };
  }

  /** Applies a flush (once per clientId and batchSeq) and answers it. Throws ProtocolError. */
  async flush(boardId: string, request: FlushRequest, userId: string): Promise<FlushResponse> {
    const stopTimer = metrics.flushSeconds.startTimer();
    // Looked up only for a flush that assigns someone (the others are submitted at once).
    const assigned = new Set(request.commands.flatMap(assigneesOf));
    const members = assigned.size > 0 ? await this.membersAmong(boardId, assigned) : undefined;
    const result = await this.runner.submit(boardId, { kind: "flush", request, userId, members });
    stopTimer();
    if (!result.ok) throw result.error;
    if (!("response" in result)) throw new Error("A flush was answered with an entry");
    if (result.response.errors.length > 0) {
      metrics.refused.inc({ reason: "command" }, result.response.errors.length);
    }
    return result.response;
  }

  /**
   * Appends an undo, redo or restore entry: in turn with the board's flushes, `plan` runs with the
   * board locked at its head and its commands are appended as one entry. Throws HistoryRefused.
   */
  async appendEntry(boardId: string, userId: string, plan: EntryPlanner): Promise<AppendedEntry> {
    const result = await this.runner.submit(boardId, { kind: "entry", userId, plan });
    if (!result.ok) throw result.error;
    if (!("appended" in result)) throw new Error("An entry was answered as a flush");
    return result.appended;
  }

  /** Commands of versions `from + 1 .. to`, from memory when recent, else from the database. */
  async commandsBetween(
    boardId: string,
    from: number,
    to: number,
    db: Db = this.prisma,
  ): Promise<Command[]> {
    const runtime = this.runtimes.get(boardId);
    if (runtime && from >= runtime.recentFrom && to <= runtime.version) {
      return runtime.recent.slice(from - runtime.recentFrom, to - runtime.recentFrom);
    }
    return this.store.readCommands(boardId, from, to, db);
  }

  /** What a subscriber that has seen `from` is missing up to `to`. */
  async changesSince(boardId: string, from: number, to: number): Promise<RemoteChanges> {
    return { from, completions: await this.commandsBetween(boardId, from, to) };
  }

  /** The board's committed version, or null when there is no such board. */
  head(boardId: string): Promise<number | null> {
    return this.store.version(boardId);
  }

  /** The document at any stored version (H11). */
  documentAt(
    boardId: string,
    version: number,
    db?: Db,
  ): Promise<{ version: number; document: Doc } | null> {
    return this.store.documentAt(boardId, version, db);
  }

  /** Boards kept in memory right now. */
  get hotBoards(): number {
    return this.runtimes.size;
  }

  /** Approximate bytes of the boards kept in memory. */
  get hotBytes(): number {
    return this.bytes;
  }

  /** Whether the board is kept in memory (tests of the bound). */
  isHot(boardId: string): boolean {
    return this.runtimes.has(boardId);
  }

  /** Finishes the groups queued or running (their flushes are answered), then stops. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.runner.idle();
  }

  // ---- internals --------------------------------------------------------------------------------

  /**
   * Which of the users `wanted` are members of the board, read from the database (so a removal
   * on any instance counts at once).
   */
  private async membersAmong(boardId: string, wanted: Set<string>): Promise<ReadonlySet<string>> {
    const rows = await this.prisma.boardMember.findMany({
      where: { boardId, userId: { in: [...wanted] } },
      select: { userId: true },
    });
    return new Set(rows.map((row) => row.userId));
  }

  private async runtime(boardId: string): Promise<BoardRuntime> {
    let runtime = this.runtimes.get(boardId);
    if (!runtime) {
      const loaded = await this.store.load(boardId);
      if (!loaded) throw new BoardNotFound(`Board ${boardId} not found`);
      runtime = this.runtimes.get(boardId); // loaded concurrently meanwhile?
      if (!runtime) {
        runtime = {
          ...loaded,
          itemCount: countItems(loaded.document),
          recent: [],
          recentSizes: [],
          recentFrom: loaded.version,
          lastUsed: Date.now(),
          outcomes: new Map(),
          writtenBy: null,
          bytes: approximateBytes(loaded.document),
        };
        this.runtimes.set(boardId, runtime);
        this.bytes += runtime.bytes;
        this.keepWithinBounds(boardId);
      }
    } else {
      // The map's order is least recently used first.
      this.runtimes.delete(boardId);
      this.runtimes.set(boardId, runtime);
    }
    runtime.lastUsed = Date.now();
    return runtime;
  }

  /**
   * Drops the least recently used boards until both bounds hold (never `keep`, the board in
   * hand). A dropped board is loaded again on its next use; a group still running on it finishes
   * on its own copy, and the database holds everything it wrote.
   */
  private keepWithinBounds(keep: string) {
    const { maxBoards, maxBytes } = this.options;
    for (const [boardId, runtime] of this.runtimes) {
      if (this.runtimes.size <= maxBoards && this.bytes <= maxBytes) return;
      if (boardId === keep) continue;
      this.drop(boardId, runtime);
    }
  }

  private drop(boardId: string, runtime: BoardRuntime) {
    if (this.runtimes.get(boardId) !== runtime) return;
    this.runtimes.delete(boardId);
    this.bytes -= runtime.bytes;
  }

  /** `state` moved forward to `head` by the commands stored after it (cost follows those commands). */
  private async advance(
    boardId: string,
    state: Pick<BoardState, "version" | "document">,
    head: number,
    db: Db,
  ): Promise<BoardState & { missing: Command[] }> {
    // Read before the wait: `state` may be the cached board, which moves on meanwhile.
    const { version, document } = state;
    const missing = await this.store.readCommands(boardId, version, head, db);
    const result = applyBatch(document, version, missing, { context: {} });
    if (result.errors.length > 0) {
      throw new Error(`Stored history does not apply to the cached board at ${version}`);
    }
    return {
      version: head,
      document: result.document,
      itemCount: countItems(result.document),
      missing,
    };
  }

  private remember(boardId: string, runtime: BoardRuntime, commands: Command[], version: number) {
    // Each command is kept twice over: in the recent list, and what it added to the document.
    let added = 0;
    for (const command of commands) {
      const size = approximateBytes(command);
      runtime.recent.push(command);
      runtime.recentSizes.push(size);
      added += 2 * size;
    }
    runtime.version = version;
    // Trimmed in chunks (half the limit at a time), so a commit does not copy the whole list.
    const limit = this.options.recentLimit;
    if (runtime.recent.length > limit + Math.floor(limit / 2)) {
      const excess = runtime.recent.length - limit;
      for (let i = 0; i < excess; i++) added -= runtime.recentSizes[i] ?? 0;
      runtime.recent = runtime.recent.slice(excess);
      runtime.recentSizes = runtime.recentSizes.slice(excess);
      runtime.recentFrom = version - runtime.recent.length;
    }
    runtime.bytes += added;
    if (this.runtimes.get(boardId) === runtime) {
      this.bytes += added;
      this.keepWithinBounds(boardId);
    }
  }

  /**
   * Jobs of one board in order: each run of flushes is one group commit, each entry its own
   * transaction. Each job is answered with what happened to it: a run that fails rejects its own
   * jobs only, never an entry committed before or after it.
   */
  private async processGroup(boardId: string, jobs: Job[]): Promise<JobResult[]> {
    const results: JobResult[] = [];
    let start = 0;
    while (start < jobs.length) {
      let end = start + 1;
      if (jobs[start]?.kind === "flush") {
        while (end < jobs.length && jobs[end]?.kind === "flush") end += 1;
      }
      const run = jobs.slice(start, end);
      const answers = await (run[0]?.kind === "entry"
        ? this.processEntry(boardId, run[0]).then((result) => [result])
        : this.processFlushes(boardId, run as FlushJob[])
      ).catch((error: Error) => run.map((): JobResult => ({ ok: false, error })));
      results.push(...answers);
      start = end;
    }
    return results;
  }

  /** One undo, redo or restore: planned and written in one transaction with the board locked. */
  private async processEntry(boardId: string, job: EntryJob): Promise<JobResult> {
    const runtime = await this.runtime(boardId);
    const at = new Date();
    const { entry, missing, commands, fromVersion, state, written } = await this.locked(
      boardId,
      runtime,
      async (tx, base) => {
        const { entry, commands } = await job.plan({
          version: base.version,
          document: base.document,
          tx,
          read: (from, to) => this.commandsBetween(boardId, from, to, tx),
        });
        const labelled = commands.map((c) => ({
          ...c,
          actionId: entry.actionId,
          label: entry.label,
        }));
        const result = applyBatch(base.document, base.version, labelled, { context: {} });
        if (result.errors.length > 0) {
          throw new Error(
            `The ${entry.kind} planned for ${boardId} does not apply: ${result.errors[0]?.message}`,
          );
        }
        const itemCount = countItems(result.document);
        if (itemCount > BOARD_LIMITS.items && itemCount > base.itemCount) {
          throw new HistoryRefused("PRECONDITION_FAILED", BOARD_FULL_MESSAGE);
        }
        const written = await this.store.write(
          tx,
          boardId,
          base.version,
          [
            {
              meta: { userId: job.userId, clientId: "history", batchSeq: 0 },
              completions: result.completions,
              entry,
              before: base.document,
            },
          ],
          at,
          this.announcement(boardId, base.version, result.version),
        );
        const state: BoardState = { version: result.version, document: result.document, itemCount };
        return { entry, commands: result.completions, fromVersion: base.version, state, written };
      },
    );
    // What this instance knows of the clients' outcomes stays true: an entry records none.
    runtime.writtenBy = written.writtenBy;
    await this.committed(boardId, runtime, missing, commands, state);
    return { ok: true, appended: { entry, fromVersion, version: state.version, commands, at } };
  }

  /** One group of flushes for one board: one transaction, one commit, then an answer for each. */
  private async processFlushes(boardId: string, jobs: FlushJob[]): Promise<JobResult[]> {
    let runtime: BoardRuntime;
    try {
      runtime = await this.runtime(boardId);
    } catch (error) {
      if (error instanceof BoardNotFound) return jobs.map(() => ({ ok: false, error }));
      throw error;
    }
    const now = new Date();
    metrics.groupSize.observe(jobs.length);
    const outcome = await this.inTurn(boardId, runtime, async (db, base, lastWrite) => {
      const known = await this.clientOutcomes(boardId, runtime, jobs, db);
      const steps: Step[] = [];
      const stored: StoredBatch[] = [];
      let state = base;
      for (const { request, userId, members } of jobs) {
        const context = { userId, now, itemCount: state.itemCount, members };
        let step: FlushStep;
        try {
          step = applyFlush(state, known.get(request.clientId), request, {
            interceptor: boardRules,
            context,
          });
        } catch (error) {
          steps.push({ kind: "error", error: error as Error });
          continue;
        }
        steps.push({ kind: "answer", outcome: step.outcome, from: request.from });
        if (step.kind === "duplicate") continue;
        stored.push({
          meta: { userId, clientId: request.clientId, batchSeq: request.batchSeq },
          completions: step.applied,
          outcome: step.outcome,
          before: state.document,
        });
        known.set(request.clientId, step.outcome);
        state = { ...step.state, itemCount: context.itemCount };
      }
      // A refusal may come from what this instance remembers of a client: without the lock,
      // nothing (no write) confirms that memory, so the group runs again under the lock.
      if (lastWrite !== null && steps.some((step) => step.kind === "error"))
        throw new Unconfirmed();
      let written: BoardLock | null = null;
      if (stored.length > 0) {
        const notify = this.announcement(boardId, base.version, state.version);
        // Outside a transaction the group may share its statement and commit with other boards'.
        written =
          db === this.prisma
            ? await this.commits.write({
                boardId,
                fromVersion: base.version,
                batches: stored,
                at: now,
                notify,
                writtenBy: lastWrite,
              })
            : await this.store.write(db, boardId, base.version, stored, now, notify, lastWrite);
      }
      return { steps, stored, state, written };
    }).catch((error: unknown) => {
      if (error instanceof BoardNotFound) return error;
      throw error;
    });
    if (outcome instanceof BoardNotFound) return jobs.map(() => ({ ok: false, error: outcome }));

    const { steps, stored, missing, state, written } = outcome;
    if (written) {
      for (const batch of stored) {
        if (batch.outcome) this.rememberOutcome(runtime, batch.meta.clientId, batch.outcome);
      }
      runtime.writtenBy = written.writtenBy;
    }
    const applied = stored.flatMap((batch) => batch.completions);
    await this.committed(boardId, runtime, missing, applied, state);
    return Promise.all(
      steps.map(async (step): Promise<JobResult> => {
        if (step.kind === "error") return { ok: false, error: step.error };
        return this.answer(boardId, runtime, step.from, step.outcome).then(
          (response) => ({ ok: true, response }),
          (error: Error) => ({ ok: false, error }),
        );
      }),
    );
  }

  /**
   * Runs `work` in the board's turn, on the committed head: `base` is that state, `missing` the
   * commands other instances wrote that it caught up on. While this instance wrote the board
   * last, `work` runs straight on the client and its write (one statement) goes through only if
   * the row is still as that write left it; otherwise, or when that check fails, `work` runs in a
   * transaction that first locks the board's row (waiting for another instance's turn inside).
   */
  private async inTurn<T>(
    boardId: string,
    runtime: BoardRuntime,
    work: (db: Db, base: BoardState, writtenBy: string | null) => Promise<T>,
  ): Promise<T & { missing: Command[] }> {
    const lastWrite = runtime.writtenBy;
    if (lastWrite !== null) {
      try {
        return { ...(await work(this.prisma, runtime, lastWrite)), missing: [] };
      } catch (error) {
        if (!(error instanceof VersionConflict || error instanceof Unconfirmed)) throw error;
        // Another instance wrote since, or the group must be confirmed: take the lock.
      }
    }
    return this.locked(boardId, runtime, (tx, base) => work(tx, base, null));
  }

  /**
   * Runs `work` in one transaction that first locks the board's row and brings the cached state
   * to the committed head, catching up on what other instances wrote.
   */
  private async locked<T>(
    boardId: string,
    runtime: BoardRuntime,
    work: (tx: Prisma.TransactionClient, base: BoardState) => Promise<T>,
  ): Promise<T & { missing: Command[] }> {
    return this.prisma.$transaction(
      async (tx) => {
        const lock = await this.store.lockVersion(tx, boardId);
        if (lock === null) throw new BoardNotFound(`Board ${boardId} not found`);
        if (lock.writtenBy !== runtime.writtenBy) {
          // Someone else wrote the board since this instance did: what it knows of the clients'
          // outcomes may be stale.
          runtime.outcomes.clear();
          runtime.writtenBy = null;
        }
        let base: BoardState = runtime;
        let missing: Command[] = [];
        if (lock.version > runtime.version)
          ({ missing, ...base } = await this.advance(boardId, runtime, lock.version, tx));
        return { ...(await work(tx, base)), missing };
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  }

  /**
   * The last recorded outcome of each client of `jobs`: from memory while nobody but this
   * instance wrote the board since its last write (`locked` forgets them otherwise), from the
   * database for the clients it has not seen.
   */
  private async clientOutcomes(
    boardId: string,
    runtime: BoardRuntime,
    jobs: FlushJob[],
    db: Db,
  ): Promise<Map<string, BatchOutcome>> {
    const known = new Map<string, BatchOutcome>();
    const unseen: string[] = [];
    for (const { request } of jobs) {
      const outcome = runtime.outcomes.get(request.clientId);
      if (outcome) known.set(request.clientId, outcome);
      else unseen.push(request.clientId);
    }
    if (unseen.length > 0) {
      for (const [clientId, outcome] of await this.store.clientOutcomes(boardId, unseen, db)) {
        known.set(clientId, outcome);
        this.rememberOutcome(runtime, clientId, outcome);
      }
    }
    return known;
  }

  private rememberOutcome(runtime: BoardRuntime, clientId: string, outcome: BatchOutcome) {
    runtime.outcomes.delete(clientId); // re-inserted last: the map's order is least recent first
    runtime.outcomes.set(clientId, outcome);
    if (runtime.outcomes.size > MAX_KNOWN_CLIENTS) {
      const oldest = runtime.outcomes.keys().next().value;
      if (oldest !== undefined) runtime.outcomes.delete(oldest);
    }
  }

  /** The notification a group's transaction carries when it moves the board from `from` to `to`. */
  private announcement(boardId: string, from: number, to: number) {
    return to > from ? this.events.notification(boardId, to) : null;
  }

  /** Moves the cache and tells subscribers, once committed (a failed transaction changes nothing). */
  private async committed(
    boardId: string,
    runtime: BoardRuntime,
    missing: Command[],
    applied: Command[],
    state: BoardState,
  ): Promise<void> {
    this.remember(boardId, runtime, [...missing, ...applied], state.version);
    runtime.document = state.document;
    runtime.itemCount = state.itemCount;
    if (applied.length === 0) return;
    if (this.events.notification(boardId, state.version)) {
      this.events.announceHere(boardId, state.version); // the transaction told the others
      return;
    }
    await this.events.publish(boardId, state.version).catch((error: Error) => {
      // Subscribers catch up from the database at the next version they hear of.
      log.warn({ boardId, version: state.version, err: error }, "could not announce a version");
    });
  }

  /** S1/S2: the answer to a recorded batch, for a client whose base is at `clientFrom`. */
  private async answer(
    boardId: string,
    runtime: BoardRuntime,
    clientFrom: number,
    outcome: BatchOutcome,
  ): Promise<FlushResponse> {
    // The stored history is complete, so the only snapshot is for a client ahead of the board.
    const range = answerRange(clientFrom, outcome);
    const span = await this.commandsBetween(boardId, range.from, range.to);
    return assembleFlushResponse(clientFrom, outcome, span, () => ({
      version: runtime.version,
      document: runtime.document,
    }));
  }

  private evictIdle() {
    const cutoff = Date.now() - this.options.idleMs;
    for (const [boardId, runtime] of this.runtimes) {
      if (runtime.lastUsed < cutoff) this.drop(boardId, runtime);
    }
  }
}

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
import type { Db } from "../../db/database";
import { log } from "../../observability/log";
import { metrics } from "../../observability/metrics";
import { BoardNotFound, HistoryRefused } from "../errors";
import type { BoardEvents } from "../live/BoardEvents";
import { type BoardLock, BoardStore, type StoredBatch, VersionConflict } from "./BoardStore";
import type { AppendedEntry, BoardLog, EntryPlanner } from "./entries";
import { GroupCommit, type GroupCommitOptions } from "./GroupCommit";
import { type BoardRuntime, type BoardState, HotBoards } from "./HotBoards";
import { KeyedSerialRunner } from "./KeyedSerialRunner";
import { assigneesOf, boardRules } from "./rules";

/** A group that ran outside the lock (BoardService.inTurn) and must run again under it. */
class Unconfirmed extends Error {
  override readonly name = "Unconfirmed";
}

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
  private readonly hot: HotBoards;
  private readonly runner: KeyedSerialRunner<Job, JobResult>;
  private readonly options: Required<Omit<BoardServiceOptions, "groupCommit">>;
  private readonly commits: GroupCommit;

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
    this.hot = new HotBoards(this.options);
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
    const runtime = this.hot.peek(boardId);
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
    return this.hot.size;
  }

  /** Approximate bytes of the boards kept in memory. */
  get hotBytes(): number {
    return this.hot.bytes;
  }

  /** Whether the board is kept in memory (tests of the bound). */
  isHot(boardId: string): boolean {
    return this.hot.peek(boardId) !== undefined;
  }

  /** Finishes the groups queued or running (their flushes are answered), then stops. */
  async close(): Promise<void> {
    this.hot.close();
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
    const runtime = await this.hot.use(boardId, () => this.store.load(boardId));
    if (!runtime) throw new BoardNotFound(`Board ${boardId} not found`);
    return runtime;
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
        if (batch.outcome) this.hot.rememberOutcome(runtime, batch.meta.clientId, batch.outcome);
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
        this.hot.rememberOutcome(runtime, clientId, outcome);
      }
    }
    return known;
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
    this.hot.remember(boardId, runtime, [...missing, ...applied], state.version);
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
}

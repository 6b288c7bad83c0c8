import type { PrismaClient } from "@/generated/prisma/client";
import {
  answerRange,
  assembleFlushResponse,
  type BatchOutcome,
  type Command,
  type Doc,
  type FlushRequest,
  type FlushResponse,
  type RemoteChanges,
} from "@/sync";
import type { Db } from "../../db/database";
import { log } from "../../observability/log";
import { metrics } from "../../observability/metrics";
import { BoardNotFound } from "../errors";
import type { BoardEvents } from "../live/BoardEvents";
import { membersAmong } from "../members/Members";
import { BoardStore } from "./BoardStore";
import { BoardTurns, Unconfirmed } from "./BoardTurns";
import type { AppendedEntry, BoardLog, EntryPlanner } from "./entries";
import {
  applyEntry,
  applyGroup,
  type EntryJob,
  type FlushJob,
  type Job,
  type JobResult,
} from "./flush-group";
import { GroupCommit } from "./GroupCommit";
import { type BoardRuntime, type BoardState, HotBoards } from "./HotBoards";
import { KeyedSerialRunner } from "./KeyedSerialRunner";
import { type BoardServiceOptions, withDefaults } from "./options";
import { assigneesOf } from "./rules";

export type { BoardServiceOptions } from "./options";

/**
 * The master of every board, persisted. Flushes for one board run one group at a time in this
 * process (the keyed serial runner). A group is one statement that writes only if the board's
 * row is still as a known transaction left it: this instance's last write, or the head it just
 * read with the commands another instance wrote (BoardTurns); when that write is refused, it runs
 * in one transaction that first locks the row. Instances sharing a PostgreSQL take turns per
 * board: whoever comes second catches up with the commands the first wrote, then applies its
 * group on top. No version is ever written twice (the (board, version) key would refuse it
 * anyway), and no board waits for another.
 */
export class BoardService implements BoardLog {
  readonly store: BoardStore;
  private readonly hot: HotBoards;
  private readonly runner: KeyedSerialRunner<Job, JobResult>;
  private readonly options: Required<Omit<BoardServiceOptions, "groupCommit">>;
  private readonly turns: BoardTurns;
  private readonly stopHearing: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    readonly events: BoardEvents,
    options: BoardServiceOptions = {},
  ) {
    this.options = withDefaults(options);
    this.store = new BoardStore(prisma, this.options.checkpointEvery);
    const commits = new GroupCommit(this.store, prisma, options.groupCommit, (boards) =>
      metrics.commitBoards.observe(boards),
    );
    this.turns = new BoardTurns(prisma, this.store, commits);
    this.runner = new KeyedSerialRunner((boardId, jobs) => this.processGroup(boardId, jobs), 200);
    this.hot = new HotBoards(this.options);
    this.stopHearing = events.subscribeAll((boardId, version) => this.hot.heard(boardId, version));
  }

  /** A new board at version 0 with the empty board's document, owned by `ownerId`. */
  create(board: { id: string; title: string; ownerId: string }): Promise<void> {
    return this.store.createBoard(board);
  }

  /** The board's committed version and document (including what other instances wrote). */
  async load(boardId: string): Promise<{ version: number; document: Doc }> {
    const runtime = await this.runtime(boardId);
    const head = await this.store.version(boardId);
    if (head === null) throw new BoardNotFound(boardId);
    // The board's serial runner moves the cached board on in place (a flush, an entry) while
    // this reads: take the version and document together, now, and work from that pair.
    const cached = { version: runtime.version, document: runtime.document };
    if (head <= cached.version) return { version: cached.version, document: cached.document };
    // Another instance wrote: answer from the database without touching the cache, which only
    // the board's serial runner changes. Far behind (another instance writes this board, and
    // this one's copy stays where it last wrote it), from the latest checkpoint: a load costs at
    // most `checkpointEvery` commands, not all those written since this instance last wrote.
    if (head - cached.version > this.options.checkpointEvery) {
      const fromCheckpoint = await this.store.documentAt(boardId, head);
      if (fromCheckpoint) return fromCheckpoint;
    }
    const state = await this.turns.advance(boardId, cached, head, this.prisma);
    return { version: state.version, document: state.document };
  }

  /** Applies a flush (once per clientId and batchSeq) and answers it. Throws ProtocolError. */
  async flush(boardId: string, request: FlushRequest, userId: string): Promise<FlushResponse> {
    const stopTimer = metrics.flushSeconds.startTimer();
    // Looked up only for a flush that assigns someone (the others are submitted at once).
    const assigned = new Set(request.commands.flatMap(assigneesOf));
    const members =
      assigned.size > 0 ? await membersAmong(this.prisma, boardId, assigned) : undefined;
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
    this.stopHearing();
    this.hot.close();
    await this.runner.idle();
  }

  // ---- internals --------------------------------------------------------------------------------

  private async runtime(boardId: string, { inTurn = false } = {}): Promise<BoardRuntime> {
    // In the board's turn (its serial runner), a copy far behind is loaded again from the latest
    // checkpoint: the cost of catching up follows at most `checkpointEvery` commands.
    if (inTurn) this.hot.dropIfBehind(boardId, this.options.checkpointEvery);
    const runtime = await this.hot.use(boardId, () => this.store.load(boardId));
    if (!runtime) throw new BoardNotFound(boardId);
    return runtime;
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
    const runtime = await this.runtime(boardId, { inTurn: true });
    const at = new Date();
    const { entry, missing, commands, fromVersion, state, written } = await this.turns.locked(
      boardId,
      runtime,
      async (tx, base) => {
        const read = (from: number, to: number) => this.commandsBetween(boardId, from, to, tx);
        const { entry, completions, state } = await applyEntry(boardId, base, job.plan, {
          tx,
          read,
        });
        const written = await this.store.write(tx, {
          boardId,
          fromVersion: base.version,
          batches: [
            {
              meta: { userId: job.userId, clientId: "history", batchSeq: 0 },
              completions,
              entry,
              before: base.document,
            },
          ],
          at,
          notify: this.announcement(boardId, base.version, state.version),
        });
        return { entry, commands: completions, fromVersion: base.version, state, written };
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
      runtime = await this.runtime(boardId, { inTurn: true });
    } catch (error) {
      if (error instanceof BoardNotFound) return jobs.map(() => ({ ok: false, error }));
      throw error;
    }
    const now = new Date();
    metrics.groupSize.observe(jobs.length);
    const clientIds = clientIdsOf(jobs);
    const outcome = await this.turns
      .run(boardId, runtime, clientIds, async (turn, base) => {
        const known =
          turn.kind === "own" && turn.outcomes
            ? turn.outcomes
            : await this.hot.outcomes(runtime, clientIds, (unseen) =>
                this.store.clientOutcomes(boardId, unseen, turn.db),
              );
        const { steps, stored, state } = applyGroup(base, known, jobs, now);
        // A refusal may come from what this instance remembers of a client: in its own turn,
        // nothing (no write) confirms that memory, so the group runs again under the lock.
        if (turn.kind === "own" && steps.some((step) => step.kind === "error"))
          throw new Unconfirmed();
        const notify = this.announcement(boardId, base.version, state.version);
        const written =
          stored.length > 0
            ? await this.turns.write(turn, {
                boardId,
                fromVersion: base.version,
                batches: stored,
                at: now,
                notify,
              })
            : null;
        return { steps, stored, state, written };
      })
      .catch((error: unknown) => {
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

function clientIdsOf(jobs: FlushJob[]): string[] {
  return jobs.map((job) => job.request.clientId);
}

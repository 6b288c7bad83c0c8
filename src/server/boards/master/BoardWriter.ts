import type { PrismaClient } from "@/generated/prisma/client";
import {
  answerRange,
  assembleFlushResponse,
  type BatchOutcome,
  type Command,
  type FlushResponse,
} from "@/sync";
import type { Db } from "../../db/database";
import { log } from "../../observability/log";
import { metrics } from "../../observability/metrics";
import { BoardNotFound } from "../errors";
import type { BoardEvents } from "../live/BoardEvents";
import { versionNotice } from "../live/version-notice";
import type { BoardCommands } from "./BoardCommands";
import { type BoardLock, type BoardStore, type BoardWrite, VersionConflict } from "./BoardStore";
import type { BoardTurns, Turn } from "./BoardTurns";
import { Unconfirmed } from "./BoardTurns";
import {
  applyEntry,
  applyGroup,
  type EntryJob,
  type FlushJob,
  type Job,
  type JobResult,
  type Step,
} from "./flush-group";
import type { GroupCommit } from "./GroupCommit";
import type { BoardState, CommittedChange, HotBoard } from "./HotBoard";
import type { HotBoards } from "./HotBoards";
import type { StoredBatch } from "./write-rows";

/** What the writer works with: the board's memory, its storage, its turns and its announcements. */
export interface BoardWriterParts {
  prisma: PrismaClient;
  hot: HotBoards;
  store: BoardStore;
  commits: GroupCommit;
  turns: BoardTurns;
  commands: BoardCommands;
  events: BoardEvents;
  checkpointEvery: number;
}

/** A group's result in the turn it ran in: what to answer, store and remember. */
interface GroupDone {
  steps: Step[];
  stored: StoredBatch[];
  state: BoardState;
  written: BoardLock | null;
  /** Commands other instances wrote that the turn caught up on first. */
  missing: Command[];
}

/**
 * Writes one board's jobs, in the board's turn (its serial runner calls `process`): each run of
 * flushes as one group (applied by the engine, written in one statement, remembered, announced,
 * answered), each undo, redo or restore as its own locked transaction. The flush path runs
 * through here once, from the group to its answers, and never calls back into its callers.
 */
export class BoardWriter {
  constructor(private readonly parts: BoardWriterParts) {}

  /**
   * Jobs of one board in order: each run of flushes is one group commit, each entry its own
   * transaction. Each job is answered with what happened to it: a run that fails rejects its own
   * jobs only, never an entry committed before or after it.
   */
  readonly process = async (boardId: string, jobs: Job[]): Promise<JobResult[]> => {
    const results: JobResult[] = [];
    let start = 0;
    while (start < jobs.length) {
      let end = start + 1;
      if (jobs[start]?.kind === "flush") {
        while (end < jobs.length && jobs[end]?.kind === "flush") end += 1;
      }
      const run = jobs.slice(start, end);
      const answers = await (run[0]?.kind === "entry"
        ? this.entry(boardId, run[0]).then((result) => [result])
        : this.flushes(boardId, run as FlushJob[])
      ).catch((error: Error) => run.map((): JobResult => ({ ok: false, error })));
      results.push(...answers);
      start = end;
    }
    return results;
  };

  /** The board's runtime for its turn; a copy far behind is loaded again from a checkpoint. */
  private async runtime(boardId: string): Promise<HotBoard> {
    const { hot, store, checkpointEvery } = this.parts;
    // The cost of catching up follows at most `checkpointEvery` commands.
    const runtime = await hot.use(boardId, store, checkpointEvery);
    if (!runtime) throw new BoardNotFound(boardId);
    return runtime;
  }

  /** One undo, redo or restore: planned and written in one transaction with the board locked. */
  private async entry(boardId: string, job: EntryJob): Promise<JobResult> {
    const { prisma, turns, store, commands } = this.parts;
    const runtime = await this.runtime(boardId);
    const at = new Date();
    const { entry, missing, applied, fromVersion, state, written } = await prisma.$transaction(
      async (tx) => {
        const { base, missing } = await turns.lock(tx, boardId, runtime);
        const read = (from: number, to: number) => commands.between(boardId, from, to, { db: tx });
        const planned = await applyEntry(boardId, base, job.plan, { tx, read });
        const written = await store.write(tx, {
          boardId,
          fromVersion: base.version,
          batches: [
            {
              meta: { userId: job.userId, clientId: "history", batchSeq: 0 },
              completions: planned.completions,
              entry: planned.entry,
              before: base.document,
            },
          ],
          at,
          notify: this.announcement(boardId, base.version, planned.state.version),
        });
        const fromVersion = base.version; // base may be the runtime, which moves on
        return { ...planned, applied: planned.completions, fromVersion, missing, written };
      },
      LOCKED_TRANSACTION,
    );
    // What this instance knows of the clients' outcomes stays true: an entry records none.
    const change = { commands: [...missing, ...applied], state, writtenBy: written.writtenBy };
    await this.committed(boardId, runtime, change, applied.length > 0, true);
    return {
      ok: true,
      appended: { entry, fromVersion, version: state.version, commands: applied, at },
    };
  }

  /**
   * One group of flushes: in this instance's own turn while it wrote the board last, else after
   * catching up with the committed head, else (that write refused, or a refusal to confirm) in a
   * transaction that locks the board's row. Then one commit, and an answer for each.
   */
  private async flushes(boardId: string, jobs: FlushJob[]): Promise<JobResult[]> {
    let runtime: HotBoard;
    let done: GroupDone;
    try {
      runtime = await this.runtime(boardId);
      done = await this.inTurn(boardId, runtime, jobs, new Date());
    } catch (error) {
      if (error instanceof BoardNotFound) return jobs.map(() => ({ ok: false, error }));
      throw error;
    }
    const { steps, stored, missing, state, written } = done;
    const applied = stored.flatMap((batch) => batch.completions);
    const change: CommittedChange = { commands: [...missing, ...applied], state };
    if (written) {
      change.writtenBy = written.writtenBy;
      change.outcomes = stored.flatMap((batch) =>
        batch.outcome ? [[batch.meta.clientId, batch.outcome] as const] : [],
      );
    }
    await this.committed(boardId, runtime, change, applied.length > 0, written !== null);
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

  /** The group run in the first turn that takes it: own, caught up, or locked. */
  private async inTurn(
    boardId: string,
    runtime: HotBoard,
    jobs: FlushJob[],
    now: Date,
  ): Promise<GroupDone> {
    const { prisma, turns } = this.parts;
    metrics.groupSize.observe(jobs.length);
    const writtenBy = runtime.writtenBy;
    // A newer version was announced: another instance wrote, and a write in this instance's own
    // turn would be refused. Otherwise it is tried first.
    const tryOwn = writtenBy !== null && runtime.heard <= runtime.version;
    if (tryOwn) {
      const own = { kind: "own" as const, db: prisma, writtenBy };
      const done = await this.unlessRefused(boardId, runtime, jobs, own, runtime, [], now);
      if (done) return counted("own", done);
    }
    // Another instance wrote since (or nobody here has yet): catch up with the committed head
    // without a lock, and try once more in that head's own turn. Boards written from two
    // instances in turn (a balancer that does not hash, a failover) mostly end here, in one read
    // and one shared write, instead of a transaction each.
    const head = await turns.catchUp(boardId, runtime, flushersOf(jobs));
    if (!tryOwn || head.turn.writtenBy !== writtenBy) {
      const { turn, base, missing } = head;
      const done = await this.unlessRefused(boardId, runtime, jobs, turn, base, missing, now);
      if (done) return counted("caught_up", done);
    }
    const locked = await prisma.$transaction(async (tx) => {
      const { base, missing } = await turns.lock(tx, boardId, runtime);
      const turn = { kind: "locked" as const, db: tx };
      return { ...(await this.group(boardId, runtime, jobs, turn, base, now)), missing };
    }, LOCKED_TRANSACTION);
    return counted("locked", locked);
  }

  /** The group in an own turn; null when its write is refused or it must be confirmed. */
  private async unlessRefused(
    boardId: string,
    runtime: HotBoard,
    jobs: FlushJob[],
    turn: Turn & { kind: "own" },
    base: BoardState,
    missing: Command[],
    now: Date,
  ): Promise<GroupDone | null> {
    try {
      return { ...(await this.group(boardId, runtime, jobs, turn, base, now)), missing };
    } catch (error) {
      // The row moved meanwhile, or the group must be confirmed: take the lock.
      if (error instanceof VersionConflict || error instanceof Unconfirmed) return null;
      throw error;
    }
  }

  /** The group applied on `base` in `turn` and written: through group commit in its own turn. */
  private async group(
    boardId: string,
    runtime: HotBoard,
    jobs: FlushJob[],
    turn: Turn,
    base: BoardState,
    now: Date,
  ): Promise<Omit<GroupDone, "missing">> {
    const { commits, store } = this.parts;
    const known =
      turn.kind === "own" && turn.outcomes
        ? turn.outcomes
        : await this.outcomes(boardId, runtime, flushersOf(jobs), turn.db);
    const { steps, stored, state } = applyGroup(base, known, jobs, now);
    // A refusal may come from what this instance remembers of a client: in its own turn,
    // nothing (no write) confirms that memory, so the group runs again under the lock.
    if (turn.kind === "own" && steps.some((step) => step.kind === "error")) throw new Unconfirmed();
    if (stored.length === 0) return { steps, stored, state, written: null };
    const write: BoardWrite = {
      boardId,
      fromVersion: base.version,
      batches: stored,
      at: now,
      notify: this.announcement(boardId, base.version, state.version),
    };
    const written =
      turn.kind === "own"
        ? await commits.write({ ...write, writtenBy: turn.writtenBy })
        : await store.write(turn.db, write);
    return { steps, stored, state, written };
  }

  /** The notice a group's transaction carries when it moves the board from `from` to `to`. */
  private announcement(boardId: string, from: number, to: number) {
    const { events } = this.parts;
    return events.notices && to > from ? versionNotice(boardId, to, events.instance) : null;
  }

  /**
   * The last recorded outcome of each of these clients: from memory while nobody but this
   * instance wrote the board since its last write (a locked turn forgets them otherwise), else
   * read from the store (in `db`) and kept.
   */
  private async outcomes(
    boardId: string,
    board: HotBoard,
    clientIds: string[],
    db: Db,
  ): Promise<Map<string, BatchOutcome>> {
    const known = new Map<string, BatchOutcome>();
    const unseen: string[] = [];
    for (const clientId of clientIds) {
      const outcome = board.outcomes.get(clientId);
      if (outcome) known.set(clientId, outcome);
      else unseen.push(clientId);
    }
    if (unseen.length === 0) return known;
    for (const [clientId, outcome] of await this.parts.store.clientOutcomes(boardId, unseen, db)) {
      known.set(clientId, outcome);
      board.outcomes.set(clientId, outcome);
    }
    return known;
  }

  /**
   * Moves the board in memory and, when this write applied commands (`announce`), tells
   * subscribers (`notified`: the transaction carried the notice); once committed (a failed
   * transaction changes nothing).
   */
  private async committed(
    boardId: string,
    board: HotBoard,
    change: CommittedChange,
    announce: boolean,
    notified: boolean,
  ): Promise<void> {
    const from = board.version;
    board.committed(change);
    if (!announce) return;
    const { commands, state } = change;
    const announced = { from, version: state.version, commands };
    await this.parts.events.announce(boardId, announced, notified).catch((error: Error) => {
      // Subscribers catch up from the database at the next version they hear of.
      log.warn({ boardId, version: state.version, err: error }, "could not announce a version");
    });
  }

  /** S1/S2: the answer to a recorded batch, for a client whose base is at `clientFrom`. */
  private async answer(
    boardId: string,
    board: HotBoard,
    clientFrom: number,
    outcome: BatchOutcome,
  ): Promise<FlushResponse> {
    // The stored history is complete, so the only snapshot is for a client ahead of the board.
    const range = answerRange(clientFrom, outcome);
    const span = await this.parts.commands.between(boardId, range.from, range.to, { board });
    return assembleFlushResponse(clientFrom, outcome, span, () => ({
      version: board.version,
      document: board.document,
    }));
  }
}

/** A locked turn waits at most 10 s for its connection and runs at most 30 s. */
const LOCKED_TRANSACTION = { maxWait: 10_000, timeout: 30_000 };

/** The clients whose last outcome the group's flushes need: all but catch-ups' (F8). */
function flushersOf(jobs: FlushJob[]): string[] {
  return jobs.filter((job) => job.request.batchSeq > 0).map((job) => job.request.clientId);
}

function counted<T>(turn: "own" | "caught_up" | "locked", result: T): T {
  metrics.turns.inc({ turn });
  return result;
}

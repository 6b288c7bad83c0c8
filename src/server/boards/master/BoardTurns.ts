import { countItems } from "@/board";
import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import { applyBatch, type BatchOutcome, type Command, type Doc } from "@/sync";
import type { Db } from "../../db/database";
import { metrics } from "../../observability/metrics";
import { BoardNotFound } from "../errors";
import { type BoardLock, type BoardStore, type BoardWrite, VersionConflict } from "./BoardStore";
import type { GroupCommit } from "./GroupCommit";
import type { BoardRuntime, BoardState } from "./HotBoards";

/**
 * How a group runs in its board's turn, chosen explicitly:
 * - `own`: the board's row is known as a transaction left it (`writtenBy`: this instance's last
 *   write, or the head it just caught up with), so it runs on the client without a transaction,
 *   and its write (one statement, shared with other boards by group commit) goes through only if
 *   the row is still as that transaction left it;
 * - `locked`: it runs in a transaction that first locked the board's row, after catching up
 *   with what other instances wrote.
 */
export type Turn =
  | {
      kind: "own";
      db: PrismaClient;
      writtenBy: string;
      /** After catching up: the group's clients' outcomes, read with the head (absent: none). */
      outcomes?: Map<string, BatchOutcome>;
    }
  | { kind: "locked"; db: Prisma.TransactionClient };

/**
 * When the row was last written by another transaction than this instance's last write, what it
 * remembers of the clients' outcomes may be stale: forgotten.
 */
function writtenElsewhere(runtime: BoardRuntime, writtenBy: string) {
  if (writtenBy === runtime.writtenBy) return;
  runtime.outcomes.clear();
  runtime.writtenBy = null;
}

function counted<T>(turn: "own" | "caught_up" | "locked", result: T): T {
  metrics.turns.inc({ turn });
  return result;
}

/** A group that ran in its own turn and must run again under the lock. */
export class Unconfirmed extends Error {
  override readonly name = "Unconfirmed";
}

/**
 * Taking turns per board between instances sharing a PostgreSQL: whoever comes second catches up
 * with the commands the first wrote, then applies its group on top. No board waits for another.
 */
export class BoardTurns {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: BoardStore,
    private readonly commits: GroupCommit,
  ) {}

  /**
   * Runs `work` in the board's turn, on the committed head: in its own turn while this instance
   * wrote the board last, else (or when that write conflicts, or `work` throws Unconfirmed) in a
   * locked turn. `missing` are the commands other instances wrote that the locked turn caught up on.
   */
  async run<T>(
    boardId: string,
    runtime: BoardRuntime,
    clientIds: string[],
    work: (turn: Turn, base: BoardState) => Promise<T>,
  ): Promise<T & { missing: Command[] }> {
    const writtenBy = runtime.writtenBy;
    // A newer version was announced: another instance wrote, and a write in this instance's own
    // turn would be refused. Otherwise it is tried first.
    const tryOwn = writtenBy !== null && runtime.heard <= runtime.version;
    if (tryOwn) {
      const done = await this.own(work, { kind: "own", db: this.prisma, writtenBy }, runtime, []);
      if (done) return counted("own", done);
    }
    // Another instance wrote since (or nobody here has yet): catch up with the committed head
    // without a lock, and try once more in that head's own turn. Boards written from two
    // instances in turn (a balancer that does not hash, a failover) mostly end here, in one read
    // and one shared write, instead of a transaction each.
    const head = await this.catchUp(boardId, runtime, clientIds);
    if (!tryOwn || head.turn.writtenBy !== writtenBy) {
      const done = await this.own(work, head.turn, head.base, head.missing);
      if (done) return counted("caught_up", done);
    }
    return counted(
      "locked",
      await this.locked(boardId, runtime, (tx, base) => work({ kind: "locked", db: tx }, base)),
    );
  }

  /** `work` in an own turn; null when it must take the lock. */
  private async own<T>(
    work: (turn: Turn, base: BoardState) => Promise<T>,
    turn: Turn & { kind: "own" },
    base: BoardState,
    missing: Command[],
  ): Promise<(T & { missing: Command[] }) | null> {
    try {
      return { ...(await work(turn, base)), missing };
    } catch (error) {
      if (error instanceof VersionConflict || error instanceof Unconfirmed) return null;
      throw error; // the row moved meanwhile, or the group must be confirmed: take the lock
    }
  }

  /**
   * The committed head read without a lock, in one statement with the commands the cached board
   * misses and the group's clients' outcomes (a write after that read moves the row, and the
   * turn's write is refused), and the cached board brought to it. When another transaction
   * wrote the row since this instance did, what it remembers of clients' outcomes may be stale:
   * forgotten.
   */
  private async catchUp(
    boardId: string,
    runtime: BoardRuntime,
    clientIds: string[],
  ): Promise<{ base: BoardState; missing: Command[]; turn: Turn & { kind: "own" } }> {
    // Read before the wait: the cached board may move on meanwhile (a load, an entry).
    const { version, document } = runtime;
    const head = await this.store.head(boardId, version, clientIds);
    if (head === null) throw new BoardNotFound(boardId);
    writtenElsewhere(runtime, head.writtenBy);
    const turn = {
      kind: "own" as const,
      db: this.prisma,
      writtenBy: head.writtenBy,
      outcomes: head.outcomes,
    };
    if (head.version <= version) return { base: runtime, missing: [], turn };
    const missing = head.commands;
    return { base: this.applied(document, version, missing, head.version), missing, turn };
  }

  /** Writes a group in its turn: through group commit in its own turn, in the transaction if locked. */
  write(turn: Turn, write: BoardWrite): Promise<BoardLock> {
    return turn.kind === "own"
      ? this.commits.write({ ...write, writtenBy: turn.writtenBy })
      : this.store.write(turn.db, write);
  }

  /**
   * Runs `work` in one transaction that first locks the board's row and brings the cached state
   * to the committed head, catching up on what other instances wrote.
   */
  locked<T>(
    boardId: string,
    runtime: BoardRuntime,
    work: (tx: Prisma.TransactionClient, base: BoardState) => Promise<T>,
  ): Promise<T & { missing: Command[] }> {
    return this.prisma.$transaction(
      async (tx) => {
        const lock = await this.store.lockVersion(tx, boardId);
        if (lock === null) throw new BoardNotFound(boardId);
        writtenElsewhere(runtime, lock.writtenBy);
        let base: BoardState = runtime;
        let missing: Command[] = [];
        if (lock.version > runtime.version)
          ({ missing, ...base } = await this.advance(boardId, runtime, lock.version, tx));
        return { ...(await work(tx, base)), missing };
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  }

  /** `state` moved forward to `head` by the commands stored after it (cost follows those commands). */
  async advance(
    boardId: string,
    state: Pick<BoardState, "version" | "document">,
    head: number,
    db: Db,
  ): Promise<BoardState & { missing: Command[] }> {
    // Read before the wait: `state` may be the cached board, which moves on meanwhile.
    const { version, document } = state;
    const missing = await this.store.readCommands(boardId, version, head, db);
    return { ...this.applied(document, version, missing, head), missing };
  }

  /** `document` at `version` with the stored commands after it applied, at `head`. */
  private applied(document: Doc, version: number, missing: Command[], head: number): BoardState {
    const result = applyBatch(document, version, missing, { context: {} });
    if (result.errors.length > 0) {
      throw new Error(`Stored history does not apply to the cached board at ${version}`);
    }
    return { version: head, document: result.document, itemCount: countItems(result.document) };
  }
}

import { countItems } from "@/board";
import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import { applyBatch, type BatchOutcome, type Command, type Doc } from "@/sync";
import type { Db } from "../../db/database";
import { BoardNotFound } from "../errors";
import type { BoardStore } from "./BoardStore";
import type { BoardState, HotBoard } from "./HotBoard";

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
function writtenElsewhere(runtime: HotBoard, writtenBy: string) {
  if (writtenBy === runtime.writtenBy) return;
  runtime.outcomes.clear();
  runtime.writtenBy = null;
}

/** A group that ran in its own turn and must run again under the lock. */
export class Unconfirmed extends Error {
  override readonly name = "Unconfirmed";
}

/**
 * Taking turns per board between instances sharing a PostgreSQL: whoever comes second catches up
 * with the commands the first wrote, then applies its group on top. No board waits for another.
 * These are the turns' reads (the head without a lock, the row locked); BoardWriter chooses the
 * turn and writes in it.
 */
export class BoardTurns {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: BoardStore,
  ) {}

  /**
   * The committed head read without a lock, in one statement with the commands the cached board
   * misses and the group's clients' outcomes (a write after that read moves the row, and the
   * turn's write is refused), and the cached board brought to it. When another transaction
   * wrote the row since this instance did, what it remembers of clients' outcomes may be stale:
   * forgotten.
   */
  async catchUp(
    boardId: string,
    runtime: HotBoard,
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

  /**
   * For a locked turn, in the transaction `tx`: locks the board's row and brings the cached board
   * to the committed head, catching up on what other instances wrote.
   */
  async lock(
    tx: Prisma.TransactionClient,
    boardId: string,
    runtime: HotBoard,
  ): Promise<{ base: BoardState; missing: Command[] }> {
    const lock = await this.store.lockVersion(tx, boardId);
    if (lock === null) throw new BoardNotFound(boardId);
    writtenElsewhere(runtime, lock.writtenBy);
    if (lock.version <= runtime.version) return { base: runtime, missing: [] };
    const { missing, ...base } = await this.advance(boardId, runtime, lock.version, tx);
    return { base, missing };
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

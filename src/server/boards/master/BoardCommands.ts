import type { Command, RemoteChanges } from "@/sync";
import type { Db } from "../../db/database";
import type { BoardStore } from "./BoardStore";
import type { HotBoard } from "./HotBoard";
import type { HotBoards } from "./HotBoards";

/**
 * A board's stored commands between two versions: from memory when the board is hot and they are
 * recent, else from the database. Flush answers, subscribers and catch-ups all read them here.
 */
export class BoardCommands {
  constructor(
    private readonly hot: HotBoards,
    private readonly store: BoardStore,
  ) {}

  /**
   * Commands of versions `from + 1 .. to`: from `board` when the caller holds it (the board's
   * writer), else from the board kept in memory, else from the database (in `db` when given,
   * e.g. a locked transaction).
   */
  async between(
    boardId: string,
    from: number,
    to: number,
    { db, board = this.hot.peek(boardId) }: { db?: Db; board?: HotBoard } = {},
  ): Promise<Command[]> {
    if (board && from >= board.recentFrom && to <= board.version) {
      return board.recent.slice(from - board.recentFrom, to - board.recentFrom);
    }
    return this.store.readCommands(boardId, from, to, db);
  }

  /** What a subscriber that has seen `from` is missing up to `to`. */
  async changesSince(boardId: string, from: number, to: number): Promise<RemoteChanges> {
    return { from, completions: await this.between(boardId, from, to) };
  }
}

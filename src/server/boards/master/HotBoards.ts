import { LRUCache } from "lru-cache";
import type { BoardStore } from "./BoardStore";
import { HotBoard } from "./HotBoard";

export interface HotBoardsOptions {
  /** Commands kept per board: at least this many, at most half as many again. */
  recentLimit: number;
  /** A board untouched this long is dropped. */
  idleMs: number;
  /** Most boards kept; the least recently used go first. */
  maxBoards: number;
  /** Most approximate bytes of boards kept (documents and recent commands). */
  maxBytes: number;
}

/**
 * The boards this instance keeps in memory (lru-cache), bounded by count and approximate size
 * (least recently used out first) and dropped after `idleMs` unused. A dropped board is loaded
 * again on its next use; a group still running on it finishes on its own copy, and the database
 * holds everything it wrote. Only the board's serial runner changes a board (HotBoard).
 */
export class HotBoards {
  private readonly boards: LRUCache<string, HotBoard>;
  private readonly sweeper: ReturnType<typeof setInterval>;

  /** What each board is handed to count its own size in the cache. */
  private readonly keeper: { cache: LRUCache<string, HotBoard>; recentLimit: number };

  constructor(options: HotBoardsOptions) {
    this.boards = new LRUCache<string, HotBoard>({
      max: options.maxBoards,
      // Each board's size is given where it is set (HotBoard.size): a board bigger than the whole
      // budget is not kept, and each use loads it again.
      maxSize: options.maxBytes,
      ttl: options.idleMs,
      updateAgeOnGet: true,
    });
    this.keeper = { cache: this.boards, recentLimit: options.recentLimit };
    // Idle boards go at the sweep (lru-cache only checks an entry's age when it is read).
    this.sweeper = setInterval(() => this.boards.purgeStale(), Math.min(options.idleMs, 60_000));
    this.sweeper.unref();
  }

  /** The board kept in memory, without counting it as used. */
  peek(boardId: string): HotBoard | undefined {
    return this.boards.peek(boardId);
  }

  /** Boards kept right now. */
  get size(): number {
    return this.boards.size;
  }

  /** Their approximate bytes. */
  get bytes(): number {
    return this.boards.calculatedSize;
  }

  /**
   * The board, kept or loaded from `store` (null: no such board), and counted as used. A kept
   * copy more than `behindAtMost` versions behind the newest heard (another instance writes the
   * board) is loaded again, from the latest checkpoint, instead of catching up command by command:
   * for the board's serial runner, between groups.
   */
  async use(
    boardId: string,
    store: Pick<BoardStore, "load">,
    behindAtMost = Number.POSITIVE_INFINITY,
  ): Promise<HotBoard | null> {
    const kept = this.boards.get(boardId);
    if (kept && kept.heard - kept.version <= behindAtMost) return kept;
    if (kept) this.boards.delete(boardId);
    const loaded = await store.load(boardId);
    if (!loaded) return null;
    const meanwhile = this.boards.get(boardId); // loaded concurrently meanwhile?
    if (meanwhile) return meanwhile;
    const board = new HotBoard(boardId, loaded, this.keeper);
    this.boards.set(boardId, board, { size: board.size });
    return board;
  }

  /** A version of `boardId` announced (by any instance): noted on it, when kept. */
  readonly heard = (boardId: string, version: number): void => {
    const board = this.boards.peek(boardId);
    if (board && version > board.heard) board.heard = version;
  };

  close(): void {
    clearInterval(this.sweeper);
  }
}

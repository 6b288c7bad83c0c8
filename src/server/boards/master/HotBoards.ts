import { countItems } from "@/board";
import type { BatchOutcome, Command, Doc } from "@/sync";

/** A board's state at a version, as this instance last knew it. */
export interface BoardState {
  version: number;
  document: Doc;
  itemCount: number;
}

/** A hot board kept in memory: its state and its most recent commands. */
export interface BoardRuntime extends BoardState {
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

/** What a value takes in memory, roughly: its JSON's length, counted twice for UTF-16. */
function approximateBytes(value: unknown): number {
  return 2 * (JSON.stringify(value)?.length ?? 0);
}

/** Clients' outcomes kept per hot board (the oldest go first). */
const MAX_KNOWN_CLIENTS = 10_000;

/**
 * The boards this instance keeps in memory, bounded by count and approximate size (least recently
 * used out first) and dropped after `idleMs` unused. A dropped board is loaded again on its next
 * use; a group still running on it finishes on its own copy, and the database holds everything
 * it wrote. Only the board's serial runner changes a runtime.
 */
export class HotBoards {
  /** Hot boards, least recently used first. */
  private readonly runtimes = new Map<string, BoardRuntime>();
  /** Their approximate bytes, summed. */
  private total = 0;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly options: HotBoardsOptions) {
    this.sweeper = setInterval(() => this.evictIdle(), Math.min(options.idleMs, 60_000));
    this.sweeper.unref();
  }

  /** The board kept in memory, without counting it as used. */
  peek(boardId: string): BoardRuntime | undefined {
    return this.runtimes.get(boardId);
  }

  /** Boards kept right now. */
  get size(): number {
    return this.runtimes.size;
  }

  /** Their approximate bytes. */
  get bytes(): number {
    return this.total;
  }

  /** The board, kept or loaded with `load` (null: no such board), and counted as used. */
  async use(
    boardId: string,
    load: () => Promise<{ version: number; document: Doc } | null>,
  ): Promise<BoardRuntime | null> {
    let runtime = this.runtimes.get(boardId);
    if (!runtime) {
      const loaded = await load();
      if (!loaded) return null;
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
        this.total += runtime.bytes;
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

  /** `runtime` moved to `version` by `commands` (kept as its recent commands). */
  remember(boardId: string, runtime: BoardRuntime, commands: Command[], version: number) {
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
      this.total += added;
      this.keepWithinBounds(boardId);
    }
  }

  /** A client's latest outcome on the board, kept for the next group. */
  rememberOutcome(runtime: BoardRuntime, clientId: string, outcome: BatchOutcome) {
    runtime.outcomes.delete(clientId); // re-inserted last: the map's order is least recent first
    runtime.outcomes.set(clientId, outcome);
    if (runtime.outcomes.size > MAX_KNOWN_CLIENTS) {
      const oldest = runtime.outcomes.keys().next().value;
      if (oldest !== undefined) runtime.outcomes.delete(oldest);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /** Drops the least recently used boards until both bounds hold (never `keep`, the one in hand). */
  private keepWithinBounds(keep: string) {
    const { maxBoards, maxBytes } = this.options;
    for (const [boardId, runtime] of this.runtimes) {
      if (this.runtimes.size <= maxBoards && this.total <= maxBytes) return;
      if (boardId === keep) continue;
      this.drop(boardId, runtime);
    }
  }

  private drop(boardId: string, runtime: BoardRuntime) {
    if (this.runtimes.get(boardId) !== runtime) return;
    this.runtimes.delete(boardId);
    this.total -= runtime.bytes;
  }

  private evictIdle() {
    const cutoff = Date.now() - this.options.idleMs;
    for (const [boardId, runtime] of this.runtimes) {
      if (runtime.lastUsed < cutoff) this.drop(boardId, runtime);
    }
  }
}

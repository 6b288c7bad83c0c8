import { LRUCache } from "lru-cache";
import { countItems } from "@/board";
import type { BatchOutcome, Command, Doc } from "@/sync";
import type { Db } from "../../db/database";
import type { BoardStore } from "./BoardStore";

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
  /**
   * The last recorded outcome of clients that flushed to this board, valid while the board row
   * was last written by `writtenBy` (this instance's last transaction on it): then no one else
   * can have recorded an outcome since, and a group needs no read of the clients' outcomes.
   */
  outcomes: LRUCache<string, BatchOutcome>;
  writtenBy: string | null;
  /**
   * The newest version heard announced (by any instance): newer than `version`, another instance
   * wrote the board since this one did, and a group goes straight to catching up.
   */
  heard: number;
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

/** What a committed write changed of a board kept in memory. */
export interface CommittedChange {
  /** The commands from the runtime's version to `state`'s (other instances' first). */
  commands: Command[];
  state: BoardState;
  /** The transaction that wrote the row, when this write did. */
  writtenBy?: string;
  /** Each client's outcome the write recorded. */
  outcomes?: [clientId: string, outcome: BatchOutcome][];
}

/** What a value takes in memory, roughly: its JSON's length, counted twice for UTF-16. */
function approximateBytes(value: unknown): number {
  return 2 * (JSON.stringify(value)?.length ?? 0);
}

/** Clients' outcomes kept per hot board (the least recently used go first). */
const MAX_KNOWN_CLIENTS = 10_000;

/**
 * A board's memory of its clients' outcomes. Bounded by a size of one per client rather than by
 * `max`, which would allocate all 10,000 slots up front for every hot board.
 */
function clientOutcomes(): LRUCache<string, BatchOutcome> {
  return new LRUCache({ maxSize: MAX_KNOWN_CLIENTS, sizeCalculation: () => 1 });
}

/**
 * The boards this instance keeps in memory (lru-cache), bounded by count and approximate size
 * (least recently used out first) and dropped after `idleMs` unused. A dropped board is loaded
 * again on its next use; a group still running on it finishes on its own copy, and the database
 * holds everything it wrote. Only the board's serial runner changes a runtime.
 */
export class HotBoards {
  private readonly runtimes: LRUCache<string, BoardRuntime>;
  private readonly sweeper: ReturnType<typeof setInterval>;

  private readonly recentLimit: number;

  constructor(options: HotBoardsOptions) {
    this.recentLimit = options.recentLimit;
    this.runtimes = new LRUCache<string, BoardRuntime>({
      max: options.maxBoards,
      maxSize: options.maxBytes,
      // A board bigger than the whole budget is not kept: each use loads it again.
      sizeCalculation: (runtime) => Math.max(1, runtime.bytes),
      ttl: options.idleMs,
      updateAgeOnGet: true,
    });
    // Idle boards go at the sweep (lru-cache only checks an entry's age when it is read).
    this.sweeper = setInterval(() => this.runtimes.purgeStale(), Math.min(options.idleMs, 60_000));
    this.sweeper.unref();
  }

  /** The board kept in memory, without counting it as used. */
  peek(boardId: string): BoardRuntime | undefined {
    return this.runtimes.peek(boardId);
  }

  /** Boards kept right now. */
  get size(): number {
    return this.runtimes.size;
  }

  /** Their approximate bytes. */
  get bytes(): number {
    return this.runtimes.calculatedSize;
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
  ): Promise<BoardRuntime | null> {
    const kept = this.runtimes.get(boardId);
    if (kept && kept.heard - kept.version <= behindAtMost) return kept;
    if (kept) this.runtimes.delete(boardId);
    const loaded = await store.load(boardId);
    if (!loaded) return null;
    const meanwhile = this.runtimes.get(boardId); // loaded concurrently meanwhile?
    if (meanwhile) return meanwhile;
    const runtime: BoardRuntime = {
      ...loaded,
      itemCount: countItems(loaded.document),
      recent: [],
      recentSizes: [],
      recentFrom: loaded.version,
      outcomes: clientOutcomes(),
      writtenBy: null,
      heard: loaded.version,
      bytes: approximateBytes(loaded.document),
    };
    this.runtimes.set(boardId, runtime);
    return runtime;
  }

  /** A version of `boardId` announced (by any instance): noted on its runtime, when kept. */
  readonly heard = (boardId: string, version: number): void => {
    const runtime = this.runtimes.peek(boardId);
    if (runtime && version > runtime.heard) runtime.heard = version;
  };

  /**
   * `runtime` moved to `state` by `commands`, once committed: they are kept as its recent
   * commands, with the clients' outcomes its write recorded and the transaction it was (when it
   * wrote: `writtenBy`).
   */
  committed(boardId: string, runtime: BoardRuntime, change: CommittedChange) {
    const { commands, state, writtenBy, outcomes = [] } = change;
    for (const [clientId, outcome] of outcomes) runtime.outcomes.set(clientId, outcome);
    if (writtenBy !== undefined) runtime.writtenBy = writtenBy;
    this.remember(boardId, runtime, commands, state.version);
    runtime.document = state.document;
    runtime.itemCount = state.itemCount;
  }

  /** `runtime` moved to `version` by `commands` (kept as its recent commands). */
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
    const limit = this.recentLimit;
    if (runtime.recent.length > limit + Math.floor(limit / 2)) {
      const excess = runtime.recent.length - limit;
      for (let i = 0; i < excess; i++) added -= runtime.recentSizes[i] ?? 0;
      runtime.recent = runtime.recent.slice(excess);
      runtime.recentSizes = runtime.recentSizes.slice(excess);
      runtime.recentFrom = version - runtime.recent.length;
    }
    runtime.bytes += added;
    // Set again so the cache counts its new size (dropping others if the budget is spent).
    if (added !== 0 && this.runtimes.peek(boardId) === runtime) this.runtimes.set(boardId, runtime);
  }

  /**
   * The last recorded outcome of each of these clients: from memory while nobody but this
   * instance wrote the board since its last write (a locked turn forgets them otherwise), else
   * read from `store` (in `db`) and kept.
   */
  async outcomes(
    boardId: string,
    runtime: BoardRuntime,
    clientIds: string[],
    store: Pick<BoardStore, "clientOutcomes">,
    db: Db,
  ): Promise<Map<string, BatchOutcome>> {
    const known = new Map<string, BatchOutcome>();
    const unseen: string[] = [];
    for (const clientId of clientIds) {
      const outcome = runtime.outcomes.get(clientId);
      if (outcome) known.set(clientId, outcome);
      else unseen.push(clientId);
    }
    if (unseen.length > 0) {
      for (const [clientId, outcome] of await store.clientOutcomes(boardId, unseen, db)) {
        known.set(clientId, outcome);
        runtime.outcomes.set(clientId, outcome);
      }
    }
    return known;
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

import { LRUCache } from "lru-cache";
import { countItems } from "@/board";
import type { BatchOutcome, Command, Doc } from "@/sync";

/** A board's state at a version, as this instance last knew it. */
export interface BoardState {
  version: number;
  document: Doc;
  itemCount: number;
}

/** What a committed write changed of a board kept in memory. */
export interface CommittedChange {
  /** The commands from the board's version to `state`'s (other instances' first). */
  commands: Command[];
  state: BoardState;
  /** The transaction that wrote the row, when this write did. */
  writtenBy?: string;
  /** Each client's outcome the write recorded. */
  outcomes?: [clientId: string, outcome: BatchOutcome][];
}

/** Clients' outcomes kept per hot board (the least recently used go first). */
const MAX_KNOWN_CLIENTS = 10_000;

/** What a value takes in memory, roughly: its JSON's length, counted twice for UTF-16. */
export function approximateBytes(value: unknown): number {
  return 2 * (JSON.stringify(value)?.length ?? 0);
}

/**
 * One board kept in memory (HotBoards keeps them): its state, its most recent commands and what
 * it knows of its clients. Only the board's serial runner changes it, and it counts its own size
 * in the cache that keeps it.
 */
export class HotBoard implements BoardState {
  version: number;
  document: Doc;
  itemCount: number;
  /** Commands of versions recentFrom + 1 .. version. */
  recent: Command[] = [];
  /** The approximate bytes of each of `recent`. */
  recentSizes: number[] = [];
  recentFrom: number;
  /**
   * The last recorded outcome of clients that flushed to this board, valid while the board row
   * was last written by `writtenBy` (this instance's last transaction on it): then no one else
   * can have recorded an outcome since, and a group needs no read of the clients' outcomes.
   * Bounded by a size of one per client rather than by `max`, which would allocate all 10,000
   * slots up front for every hot board.
   */
  readonly outcomes = new LRUCache<string, BatchOutcome>({
    maxSize: MAX_KNOWN_CLIENTS,
    sizeCalculation: () => 1,
  });
  writtenBy: string | null = null;
  /**
   * The newest version heard announced (by any instance): newer than `version`, another instance
   * wrote the board since this one did, and a group goes straight to catching up.
   */
  heard: number;
  /** Approximate bytes it holds: its document when loaded plus what commands added since. */
  bytes: number;

  /** What it counts for in the cache that keeps it. */
  get size(): number {
    return Math.max(1, this.bytes);
  }

  constructor(
    readonly boardId: string,
    loaded: { version: number; document: Doc },
    /** The cache that keeps it (its size counted there), and how many commands it keeps. */
    private readonly keeper: { cache: LRUCache<string, HotBoard>; recentLimit: number },
  ) {
    this.version = loaded.version;
    this.document = loaded.document;
    this.itemCount = countItems(loaded.document);
    this.recentFrom = loaded.version;
    this.heard = loaded.version;
    this.bytes = approximateBytes(loaded.document);
  }

  /**
   * Moved to `state` by `commands`, once committed: they are kept as its recent commands, with
   * the clients' outcomes its write recorded and the transaction it was (when it wrote:
   * `writtenBy`), and its size counted again in the cache.
   */
  committed(change: CommittedChange): void {
    const { commands, state, writtenBy, outcomes = [] } = change;
    for (const [clientId, outcome] of outcomes) this.outcomes.set(clientId, outcome);
    if (writtenBy !== undefined) this.writtenBy = writtenBy;
    // Each command is kept twice over: in the recent list, and what it added to the document.
    let added = 0;
    for (const command of commands) {
      const size = approximateBytes(command);
      this.recent.push(command);
      this.recentSizes.push(size);
      added += 2 * size;
    }
    this.version = state.version;
    this.document = state.document;
    this.itemCount = state.itemCount;
    // Trimmed in chunks (half the limit at a time), so a commit does not copy the whole list.
    const { cache, recentLimit } = this.keeper;
    if (this.recent.length > recentLimit + Math.floor(recentLimit / 2)) {
      const excess = this.recent.length - recentLimit;
      for (let i = 0; i < excess; i++) added -= this.recentSizes[i] ?? 0;
      this.recent = this.recent.slice(excess);
      this.recentSizes = this.recentSizes.slice(excess);
      this.recentFrom = this.version - this.recent.length;
    }
    this.bytes += added;
    // Set again so the cache counts its new size (dropping others if the budget is spent).
    if (added !== 0 && cache.peek(this.boardId) === this) {
      cache.set(this.boardId, this, { size: this.size });
    }
  }
}

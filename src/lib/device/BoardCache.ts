import type { Doc, ProxyState } from "@/sync";

/** The unsent part of a proxy's state: its queue and the flush it may be re-sending. */
export type Pending = Omit<ProxyState, "base">;

/** A board as this device last had it from the server: the confirmed state, no unsent edits. */
export interface CachedBoard {
  version: number;
  document: Doc;
}

/** One page's unsent edits, and the version of the base they were kept with. */
export interface KeptEdits {
  pending: Pending;
  /** The proxy's base version when they were kept: they rebuild its state on that base only. */
  baseVersion: number;
}

/**
 * One board kept on this device for one person (IndexedDB in the browser: idb-device.ts): the
 * board as last confirmed by the server, painted at once when the board opens again, and each
 * page's unsent edits, sent when the network allows. Writes resolve once they are stored.
 */
export interface BoardCache {
  board(): Promise<CachedBoard | null>;
  saveBoard(board: CachedBoard): Promise<void>;
  /** Every page's kept edits on this board, by client id. */
  edits(): Promise<Map<string, KeptEdits>>;
  saveEdits(kept: KeptEdits): Promise<void>;
  discardEdits(clientId: string): Promise<void>;
}

/** A BoardCache in memory (tests, and browsers without IndexedDB: nothing survives a reload). */
export class MemoryBoardCache implements BoardCache {
  private kept: CachedBoard | null = null;
  private readonly pages = new Map<string, KeptEdits>();

  async board() {
    return this.kept ? structuredClone(this.kept) : null;
  }
  async saveBoard(board: CachedBoard) {
    this.kept = structuredClone(board);
  }
  async edits() {
    return new Map([...this.pages].map(([id, kept]) => [id, structuredClone(kept)]));
  }
  async saveEdits(kept: KeptEdits) {
    this.pages.set(kept.pending.clientId, structuredClone(kept));
  }
  async discardEdits(clientId: string) {
    this.pages.delete(clientId);
  }
  /** How many pages' edits are kept (tests). */
  get keptPages(): number {
    return this.pages.size;
  }
}

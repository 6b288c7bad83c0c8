import { ClientProxy, type Doc, type LoadAnswer, replayCompletions } from "@/sync";
import type { BoardCache, CachedBoard, KeptEdits } from "./BoardCache";

export type { LoadAnswer } from "@/sync";

/** How long after a change of the confirmed board it is written to the device, at most. */
const SAVE_AFTER_MS = 3_000;

/**
 * A board's copy on this device, as the session uses it: read once when the board opens (painted
 * at once, and the version a catch-up starts from), then rewritten as the server confirms new
 * versions, at most every few seconds and whenever the page asks (hidden, offline).
 */
export class DeviceCopy {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private latest: CachedBoard | null = null;
  private savedVersion = -1;

  constructor(private readonly cache: BoardCache) {}

  /** The board as this device last had it, if it has it. */
  read(): Promise<CachedBoard | null> {
    return this.cache.board().catch(() => null);
  }

  /** What the page shows before the server answers: the kept board with the kept edits on it. */
  static painted(cached: CachedBoard, kept: KeptEdits | null): Doc {
    if (!kept) return cached.document;
    return new ClientProxy({ state: { ...kept.pending, base: cached } }).document;
  }

  /** The confirmed board from a load's answer, on top of `cached` when the answer is a catch-up. */
  static baseFrom(answer: LoadAnswer, cached: CachedBoard | null): CachedBoard | null {
    if ("document" in answer) return { version: answer.version, document: answer.document };
    if (!cached || answer.from !== cached.version) return null;
    const document = replayCompletions(cached.document, answer.completions);
    return document ? { version: answer.version, document } : null;
  }

  /** Notes the confirmed board; written to the device within a few seconds. */
  keep(board: CachedBoard): void {
    this.latest = board;
    if (this.timer || board.version === this.savedVersion) return;
    this.timer = setTimeout(() => void this.saveNow(), SAVE_AFTER_MS);
  }

  /** Writes the latest confirmed board now (the page is hidden, or the network is gone). */
  async saveNow(board: CachedBoard | null = this.latest): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!board || board.version === this.savedVersion) return;
    this.savedVersion = board.version;
    await this.cache.saveBoard(board).catch(() => {
      this.savedVersion = -1; // full, or gone: tried again with the next version
    });
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

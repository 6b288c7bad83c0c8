import type { Doc, MappedPath } from "@/sync";
import type { CachedBoard } from "./device/BoardCache";
import { DeviceCopy } from "./device/DeviceCopy";
import { type BoardTransport, explainEdits, type FailureKind } from "./session-types";
import { countPending, type Pending, type UnsentEdits } from "./UnsentEdits";

/** What a board opens on: the confirmed base, the adopted edits to replay on it, and how. */
export interface Opened {
  base: CachedBoard;
  pending: Pending | null;
  mappedPaths: MappedPath[];
  /** No network: opened from the device's copy; the session catches up when it returns. */
  offline: boolean;
}

/**
 * How a board opens in a page: the unsent edits of a closed tab (or an earlier visit) and the
 * board the device kept are read first, and the kept board painted at once; a flush of those
 * edits that was never answered is re-sent exactly as it was (same batchSeq, so it cannot apply
 * twice) and answered *before* the board is fetched, so the board and the replayed edits never
 * hold the same edit twice; then the board is fetched (only what changed since the kept copy),
 * or, with no network, opened from the device.
 */
export class BoardOpening {
  /** Adopted edits, until the proxy takes them (undefined: not looked for yet). */
  private adopted: Pending | null | undefined;
  private adoptedBase: number | null = null;
  private cached: CachedBoard | null = null;

  constructor(
    private readonly transport: BoardTransport,
    private readonly classify: (error: unknown) => FailureKind,
    private readonly unsent: UnsentEdits,
    private readonly device: DeviceCopy,
  ) {}

  /** Edits adopted and not yet taken by a proxy (shown as unsaved while the board cannot open). */
  get unsaved(): number {
    return countPending(this.adopted);
  }

  /** Whether the adopted edits hold a flush the server has not answered. */
  get unanswered(): boolean {
    return Boolean(this.adopted?.unacked);
  }

  /**
   * The board to open on. `paint` shows the device's copy (with the kept edits on it) at once;
   * `alert` explains kept edits the server refused. Null when `stopped()` meanwhile; throws what
   * the server answered when the board cannot open.
   */
  async open(hooks: {
    paint(document: Doc): void;
    alert(message: string): void;
    stopped(): boolean;
  }): Promise<Opened | null> {
    if (this.adopted === undefined) {
      performance.mark("rewind:open");
      const [kept, cached] = await Promise.all([this.unsent.adopt(), this.device.read()]);
      performance.mark("rewind:read");
      if (hooks.stopped()) return null;
      this.adopted = kept?.pending ?? null;
      this.adoptedBase = kept?.baseVersion ?? null;
      this.cached = cached;
      if (cached) hooks.paint(DeviceCopy.painted(cached, kept));
      performance.mark("rewind:painted");
    }
    let mappedPaths: MappedPath[] = [];
    try {
      const unacked = this.adopted?.unacked;
      if (unacked) {
        const answer = await this.transport.flush(unacked);
        mappedPaths = answer.mappedPaths;
        for (const message of explainEdits({ type: "rejected", errors: answer.errors }))
          hooks.alert(message);
        this.adopted = { ...(this.adopted as Pending), unacked: null };
      }
      return this.take({ base: await this.fetch(), mappedPaths, offline: false });
    } catch (error) {
      // No network, and the board on the device: it opens from there (with the kept edits, when
      // they were kept on that very copy); they are sent when the network returns.
      const cached = this.cached;
      const usable = cached && (!this.adopted?.unacked || this.adoptedBase === cached.version);
      if (!usable || this.classify(error) !== "offline") throw error;
      return this.take({ base: cached, mappedPaths, offline: true });
    }
  }

  /** The adopted edits are dropped (the server will never take them). */
  discard(): void {
    if (this.adopted) void this.unsent.discard(this.adopted.clientId);
    this.unsent.unlock();
    this.adopted = undefined;
  }

  /** Looks for kept edits and the device's copy again at the next `open`. */
  reset(): void {
    this.adopted = undefined;
  }

  private take(opened: Omit<Opened, "pending">): Opened {
    const pending = this.adopted ?? null;
    this.adopted = null;
    return { ...opened, pending };
  }

  /** The server's board: only what changed since the device's copy, when there is one. */
  private async fetch(): Promise<CachedBoard> {
    const cached = this.cached;
    if (!cached) return this.transport.load();
    const answer = await this.transport.catchUp(cached.version);
    return DeviceCopy.baseFrom(answer, cached) ?? (await this.transport.load());
  }
}

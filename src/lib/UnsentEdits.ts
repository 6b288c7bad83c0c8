import type { BoardCache, KeptEdits, Pending } from "./device/BoardCache";

export type { Pending } from "./device/BoardCache";

/** Edits a pending state holds that the server has not acknowledged. */
export function countPending(pending: Pending | null | undefined): number {
  return (pending?.queue.length ?? 0) + (pending?.unacked?.commands.length ?? 0);
}

/**
 * One person's unsent edits on one board, kept on the device (BoardCache: IndexedDB in the
 * browser) per client id. Each open tab holds a Web Lock named after its client id, so a tab
 * adopts only the edits of tabs that are gone, never those of a tab still open.
 */
export class UnsentEdits {
  private release: (() => void) | null = null;

  constructor(
    private readonly cache: BoardCache,
    private readonly locks: LockManager | null,
  ) {}

  /** The edits of a closed tab (or an earlier visit), if any, now held by this one. */
  async adopt(): Promise<KeptEdits | null> {
    const kept = await this.cache.edits().catch(() => new Map<string, KeptEdits>());
    for (const [clientId, edits] of kept) {
      if (!(await this.hold(clientId))) continue; // that tab is open
      return edits;
    }
    return null;
  }

  /** Takes the lock of `clientId` for as long as this tab lives; false if another tab has it. */
  hold(clientId: string): Promise<boolean> {
    const locks = this.locks;
    if (!locks) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      void locks.request(`rewind-client:${clientId}`, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(false);
          return undefined;
        }
        resolve(true);
        return new Promise<void>((release) => {
          this.release = release;
        });
      });
    });
  }

  /** Lets another tab adopt what this one holds. */
  unlock(): void {
    this.release?.();
    this.release = null;
  }

  /** Stores what is unsent on the base at `baseVersion` (or forgets the page when nothing is). */
  save(pending: Pending, baseVersion: number): Promise<void> {
    if (countPending(pending) === 0) return this.discard(pending.clientId);
    return this.cache.saveEdits({ pending, baseVersion });
  }

  /** Forgets a client's edits (sent, or the server will never take them). */
  discard(clientId: string): Promise<void> {
    return this.cache.discardEdits(clientId);
  }
}

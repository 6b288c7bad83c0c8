import type { ProxyState } from "@/sync";

/** The unsent part of a proxy's state: what is kept in storage (never the document). */
export type Pending = Omit<ProxyState, "base">;

/** Edits a pending state holds that the server has not acknowledged. */
export function countPending(pending: Pending | null | undefined): number {
  return (pending?.queue.length ?? 0) + (pending?.unacked?.commands.length ?? 0);
}

/**
 * One person's unsent edits on one board, kept in storage (localStorage in the browser) under one
 * key per client id. Each open tab holds a Web Lock named after its client id, so a tab adopts
 * only the edits of tabs that are gone, never those of a tab still open.
 */
export class UnsentEdits {
  private release: (() => void) | null = null;

  constructor(
    private readonly storage: Storage | null,
    private readonly locks: LockManager | null,
    private readonly keyPrefix: string,
  ) {}

  /** The edits of a closed tab (or an earlier visit), if any, now held by this one. */
  async adopt(): Promise<Pending | null> {
    const storage = this.storage;
    if (!storage) return null;
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(this.keyPrefix)) keys.push(key);
    }
    for (const key of keys) {
      if (!(await this.hold(key.slice(this.keyPrefix.length)))) continue; // that tab is open
      try {
        const raw = storage.getItem(key);
        if (raw) return JSON.parse(raw) as Pending;
      } catch {
        storage.removeItem(key);
      }
      this.unlock();
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

  /** Stores what is unsent (or removes the key when nothing is). */
  save(pending: Pending): void {
    const key = this.keyPrefix + pending.clientId;
    if (countPending(pending) === 0) this.storage?.removeItem(key);
    else this.storage?.setItem(key, JSON.stringify(pending));
  }

  /** Forgets a client's edits (the server will never take them). */
  discard(clientId: string): void {
    this.storage?.removeItem(this.keyPrefix + clientId);
  }
}

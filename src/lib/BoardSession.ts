import {
  ClientProxy,
  type Doc,
  type FlushRequest,
  type FlushResponse,
  type ProxyEvent,
  type ProxyState,
  type RemoteChanges,
  type Transaction,
} from "@/sync";

/** How a session reaches the server; the app passes tRPC calls, tests can pass anything. */
export interface BoardTransport {
  load(): Promise<{ version: number; document: Doc }>;
  flush(request: FlushRequest): Promise<FlushResponse>;
  /** Pushes others' changes from `lastEventId` (a version) on; returns a stop function. */
  subscribe(lastEventId: number, onData: (changes: RemoteChanges) => void): () => void;
}

/** Why a call failed, as far as the session cares. */
export type FailureKind = "offline" | "unauthorized" | "forbidden" | "not-found" | "refused";

export type SyncStatus =
  | { kind: "loading" }
  | { kind: "saved" }
  | { kind: "saving"; unsaved: number }
  | { kind: "offline"; unsaved: number }
  | { kind: "not-found" };

export interface BoardAlert {
  id: number;
  message: string;
}

export interface BoardSessionOptions {
  boardId: string;
  userId: string;
  transport: BoardTransport;
  classify(error: unknown): FailureKind;
  /** Where unsent edits survive a reload or a closed tab (localStorage in the browser). */
  storage?: Storage | null;
  /**
   * Web Locks (navigator.locks): each open tab holds a lock named after its client id, so a tab
   * adopts only the unsent edits of tabs that are gone, never those of a tab still open.
   */
  locks?: LockManager | null;
  /** Sends queued edits this long after the last one. */
  flushDelayMs?: number;
  onUnauthorized?: () => void;
}

type Pending = Omit<ProxyState, "base">;

/**
 * One open board in the browser: the local proxy, the background flush loop, the live
 * subscription, unsent edits kept in storage, and the status and alerts the page shows.
 */
/** What a view renders; a new object whenever anything in it changes. */
export interface BoardSnapshot {
  document: Doc | null;
  status: SyncStatus;
  alerts: BoardAlert[];
}

export class BoardSession {
  proxy: ClientProxy | null = null;
  snapshot: BoardSnapshot = { document: null, status: { kind: "loading" }, alerts: [] };
  status: SyncStatus = { kind: "loading" };
  alerts: BoardAlert[] = [];
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopSubscription: (() => void) | null = null;
  private offline = false;
  private stopped = false;
  private alertId = 0;
  private retryDelay = 500;
  private releaseLock: (() => void) | null = null;

  constructor(private readonly options: BoardSessionOptions) {}

  private get keyPrefix() {
    return `rewind:pending:${this.options.boardId}:${this.options.userId}:`;
  }

  private get storageKey() {
    return `${this.keyPrefix}${this.proxy?.clientId ?? ""}`;
  }

  async start(): Promise<void> {
    let base: { version: number; document: Doc };
    try {
      base = await this.options.transport.load();
    } catch (error) {
      const kind = this.options.classify(error);
      if (kind === "not-found" || kind === "forbidden") this.setStatus({ kind: "not-found" });
      else if (kind === "unauthorized") this.options.onUnauthorized?.();
      else {
        this.setStatus({ kind: "offline", unsaved: 0 });
        this.timer = setTimeout(() => void this.start(), this.nextRetryDelay());
      }
      return;
    }
    if (this.stopped) return;
    const pending = await this.adoptPending();
    if (this.stopped) {
      this.releaseLock?.(); // stopped while starting (React's strict mode does this in development)
      return;
    }
    // Unsent edits from an earlier visit are replayed on the fresh base; an unanswered flush is
    // re-sent exactly as it was (same batchSeq), so it cannot apply twice.
    this.proxy = new ClientProxy(pending ? { state: { ...pending, base } } : { base });
    if (!pending) await this.holdLock(this.proxy.clientId);
    if (this.stopped) {
      this.releaseLock?.();
      return;
    }
    this.proxy.subscribe((event) => this.onProxyEvent(event));
    this.subscribe();
    this.refreshStatus();
    if (this.proxy.pendingCount > 0) this.flushSoon(0);
  }

  stop(): void {
    this.stopped = true;
    this.releaseLock?.();
    if (this.timer) clearTimeout(this.timer);
    this.stopSubscription?.();
  }

  /** Subscribe to changes of status, alerts or the document. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One user action; applies at once and is sent in the background. */
  edit<T>(label: string, fn: (tx: Transaction) => T): T | undefined {
    if (!this.proxy) return undefined;
    const result = this.proxy.transact(label, fn);
    if (!result.ok) {
      this.alert(result.message);
      return undefined;
    }
    this.savePending();
    this.refreshStatus();
    this.flushSoon();
    return result.value;
  }

  dismissAlert(id: number): void {
    this.alerts = this.alerts.filter((a) => a.id !== id);
    this.emit();
  }

  /** The version of the board the session's document is based on. */
  get version(): number {
    return this.proxy?.version ?? 0;
  }

  /** Edits made in this tab that the server has not acknowledged yet. */
  get unsaved(): number {
    return this.proxy?.pendingCount ?? 0;
  }

  /**
   * Sends what is queued now and resolves once every edit made so far is saved (an undo must see
   * the user's latest action); rejects when that takes longer than `timeoutMs`.
   */
  settle(timeoutMs = 10_000): Promise<void> {
    if (!this.proxy || this.proxy.pendingCount === 0) return Promise.resolve();
    this.flushNow();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error("Your latest changes are not saved yet"));
      }, timeoutMs);
      const off = this.onChange(() => {
        if (this.proxy && this.proxy.pendingCount === 0) {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    });
  }

  /** Sends what is queued now (page hidden, back online). */
  flushNow(): void {
    this.flushSoon(0);
  }

  setOnline(online: boolean): void {
    this.offline = !online;
    this.refreshStatus();
    if (online) this.flushSoon(0);
  }

  // ---- internals --------------------------------------------------------------------------------

  private subscribe() {
    if (!this.proxy) return;
    this.stopSubscription?.();
    this.stopSubscription = this.options.transport.subscribe(this.proxy.version, (changes) => {
      this.proxy?.receive(changes);
    });
  }

  private flushSoon(delay = this.options.flushDelayMs ?? 50) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delay);
  }

  private async flush(): Promise<void> {
    const proxy = this.proxy;
    if (!proxy || this.stopped) return;
    const request = proxy.beginFlush();
    if (!request) return;
    this.refreshStatus();
    try {
      const response = await this.options.transport.flush(request);
      proxy.endFlush(response);
      this.offline = false;
      this.retryDelay = 500;
      this.savePending();
      this.refreshStatus();
      if (proxy.pendingCount > 0) this.flushSoon();
    } catch (error) {
      proxy.cancelFlush();
      const kind = this.options.classify(error);
      if (kind === "offline") {
        this.offline = true;
        this.refreshStatus();
        this.flushSoon(this.nextRetryDelay());
      } else if (kind === "unauthorized") {
        this.savePending(); // kept for after signing in again
        this.options.onUnauthorized?.();
      } else {
        // The server will never take this batch (no longer allowed, or a broken sequence):
        // start over from the server's state and tell the user their edits were not saved.
        const reason = error instanceof Error && error.message ? ` (${error.message})` : "";
        this.alert(
          kind === "forbidden"
            ? "You can only view this board: your changes were not saved."
            : `Some changes could not be saved and were undone${reason}.`,
        );
        await this.restart();
      }
    }
  }

  private async restart() {
    this.options.storage?.removeItem(this.storageKey);
    this.releaseLock?.();
    this.stopSubscription?.();
    this.proxy = null;
    this.setStatus({ kind: "loading" });
    await this.start();
  }

  private nextRetryDelay() {
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, 10_000);
    return delay;
  }

  private onProxyEvent(event: ProxyEvent) {
    switch (event.type) {
      case "change":
        this.emit();
        return;
      case "rejected":
        for (const error of event.errors) this.alert(`Not saved: ${error.message}`);
        return;
      case "dropped":
        for (const { command } of event.dropped) {
          this.alert(
            `Your change to ${describe(command.path)} was undone: someone else removed it.`,
          );
        }
        return;
      case "resync-needed":
        void this.options.transport.load().then((base) => {
          this.proxy?.reset(base);
          this.subscribe();
        });
        return;
    }
  }

  /** Shows `message` among the board's alerts. */
  alert(message: string) {
    this.alerts = [...this.alerts.slice(-4), { id: ++this.alertId, message }];
    this.emit();
  }

  private refreshStatus() {
    const proxy = this.proxy;
    if (!proxy) return;
    const unsaved = proxy.pendingCount;
    if (this.offline) this.setStatus({ kind: "offline", unsaved });
    else if (unsaved > 0) this.setStatus({ kind: "saving", unsaved });
    else this.setStatus({ kind: "saved" });
  }

  private setStatus(status: SyncStatus) {
    this.status = status;
    this.emit();
  }

  /** The unsent edits of a closed tab (or an earlier visit) on this board, if any, now ours. */
  private async adoptPending(): Promise<Pending | null> {
    const storage = this.options.storage;
    if (!storage) return null;
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(this.keyPrefix)) keys.push(key);
    }
    for (const key of keys) {
      const clientId = key.slice(this.keyPrefix.length);
      if (!(await this.holdLock(clientId))) continue; // that tab is still open
      try {
        const raw = storage.getItem(key);
        if (raw) return JSON.parse(raw) as Pending;
      } catch {
        storage.removeItem(key);
      }
      this.releaseLock?.();
    }
    return null;
  }

  /** Takes the lock of `clientId` for as long as this session lives; false if another tab has it. */
  private holdLock(clientId: string): Promise<boolean> {
    const locks = this.options.locks;
    if (!locks) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      void locks.request(`rewind-client:${clientId}`, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(false);
          return undefined;
        }
        resolve(true);
        return new Promise<void>((release) => {
          this.releaseLock = release;
        });
      });
    });
  }

  /** Only the unsent edits are stored (small; the base comes from the server on the next visit). */
  private savePending() {
    const proxy = this.proxy;
    const storage = this.options.storage;
    if (!proxy || !storage) return;
    const { base: _base, ...pending } = proxy.getState();
    if (pending.unacked === null && pending.queue.length === 0) storage.removeItem(this.storageKey);
    else storage.setItem(this.storageKey, JSON.stringify(pending));
  }

  private emit() {
    this.snapshot = {
      document: this.proxy?.document ?? null,
      status: this.status,
      alerts: this.alerts,
    };
    for (const listener of this.listeners) listener();
  }
}

function describe(path: readonly string[]): string {
  if (path.length >= 4) return "an item";
  if (path.length >= 2) return "a list";
  return "the board";
}

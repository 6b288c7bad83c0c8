import {
  ClientProxy,
  type Doc,
  type FlushResponse,
  type ProxyEvent,
  type Transaction,
} from "@/sync";
import { BoardOpening, type Opened } from "./BoardOpening";
import { MemoryBoardCache } from "./device/BoardCache";
import { DeviceCopy } from "./device/DeviceCopy";
import { RetryTimer } from "./RetryTimer";
import { SessionView } from "./SessionView";
import {
  type BoardAlert,
  type BoardSessionOptions,
  type BoardSnapshot,
  explainEdits,
  type FailureKind,
  messageOf,
  type SyncStatus,
  syncStatus,
} from "./session-types";
import { UndoRedo } from "./UndoRedo";
import { UnsentEdits } from "./UnsentEdits";

export type * from "./session-types";

const MAX_RETRY_DELAY_MS = 10_000;

/**
 * One open board in the browser: the local proxy, the background flush loop, the live
 * subscription, unsent edits kept in storage, and the status and alerts the page shows. Views
 * read `document`, `status` and `alerts` (or `snapshot`) and hear of changes through `onChange`.
 */
export class BoardSession {
  private readonly view = new SessionView();
  private proxy: ClientProxy | null = null;
  private stopSubscription: (() => void) | null = null;
  /** No answer from the server, or over its fair-use limit: shown until a flush is taken. */
  private trouble: "offline" | "slowed" | null = null;
  private stopped = false;
  private readonly retry: RetryTimer;
  private readonly unsent: UnsentEdits;
  private readonly device: DeviceCopy;
  private readonly opening: BoardOpening;
  private resyncing = false;
  private readonly history: UndoRedo;

  constructor(private readonly options: BoardSessionOptions) {
    this.retry = new RetryTimer(options.retryDelayMs ?? 500, MAX_RETRY_DELAY_MS);
    this.history = new UndoRedo({
      transport: options.transport,
      isOffline: (error) => options.classify(error) === "offline",
      settle: () => this.settle(),
      alert: (message) => this.alert(message),
      onChange: () => this.update({ undoRedo: this.history.state }),
      retryDelayMs: options.retryDelayMs,
    });
    const cache = options.cache ?? new MemoryBoardCache();
    this.unsent = new UnsentEdits(cache, options.locks ?? null);
    this.device = new DeviceCopy(cache);
    this.opening = new BoardOpening(options.transport, options.classify, this.unsent, this.device);
  }

  /** Everything the page shows; a new object whenever anything in it changes. */
  get snapshot(): BoardSnapshot {
    return this.view.snapshot;
  }

  /** The board as this person sees it: the server's state plus their unsent edits. */
  get document(): Doc | null {
    return this.snapshot.document;
  }

  get status(): SyncStatus {
    return this.snapshot.status;
  }

  get alerts(): BoardAlert[] {
    return this.snapshot.alerts;
  }

  /** The version of the board the session's document is based on. */
  get version(): number {
    return this.proxy?.version ?? 0;
  }

  /** Edits made in this tab that the server has not acknowledged yet. */
  get unsaved(): number {
    return this.proxy?.pendingCount ?? 0;
  }

  /** Opens the board (BoardOpening): from the device at once, then from the server. */
  async start(): Promise<void> {
    if (this.stopped) return;
    let opened: Opened | null;
    try {
      opened = await this.opening.open({
        paint: (document) => this.update({ document }),
        alert: (message) => this.alert(message),
        stopped: () => this.stopped,
      });
    } catch (error) {
      if (!this.stopped) this.onStartFailed(error);
      return;
    }
    if (!opened || this.stopped) return this.unsent.unlock(); // stopped meanwhile (strict mode)
    const { base, pending, mappedPaths, offline } = opened;
    this.trouble = offline ? "offline" : null;
    if (!offline) this.retry.answered();
    this.device.keep(base);
    this.proxy = new ClientProxy(pending ? { state: { ...pending, base }, mappedPaths } : { base });
    if (!pending && !(await this.unsent.hold(this.proxy.clientId))) return;
    if (this.stopped) return this.unsent.unlock();
    this.proxy.subscribe((event) => this.onProxyEvent(event));
    this.update({ document: this.proxy.document });
    void this.savePending();
    this.subscribe();
    this.refreshStatus();
    if (this.proxy.pendingCount > 0) this.flushSoon(0);
  }

  stop(): void {
    this.stopped = true;
    void this.device.saveNow(); // the page leaves the board: its copy is written now
    this.unsent.unlock();
    this.retry.stop();
    this.history.stop();
    this.stopSubscription?.();
  }

  /** Subscribe to changes of status, alerts or the document. */
  onChange(listener: () => void): () => void {
    return this.view.onChange(listener);
  }

  /** One user action; applies at once and is sent in the background. */
  edit<T>(label: string, fn: (tx: Transaction) => T): T | undefined {
    if (!this.proxy) return undefined;
    const result = this.proxy.transact(label, fn);
    if (!result.ok) {
      this.alert(result.message);
      return undefined;
    }
    void this.savePending();
    this.refreshStatus();
    this.flushSoon();
    return result.value;
  }

  /** Undoes the person's latest action (after their unsent edits are saved). */
  undo(): Promise<void> {
    return this.history.undo();
  }

  /** Redoes the person's latest undone action. */
  redo(): Promise<void> {
    return this.history.redo();
  }

  /** Follows what the person can undo (editors), or not (viewers, a past version shown). */
  enableUndo(enabled: boolean): void {
    this.history.enable(enabled);
  }

  dismissAlert(id: number): void {
    this.view.dismissAlert(id);
  }

  /** Shows `message` among the board's alerts. */
  alert(message: string): void {
    this.view.alert(message);
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
    void this.device.saveNow();
  }

  setOnline(online: boolean): void {
    this.trouble = online ? null : "offline";
    this.refreshStatus();
    if (!online) return void this.device.saveNow(this.proxy?.getState().base);
    this.subscribe(); // from the version the page has: what others did meanwhile comes first
    this.flushSoon(0);
  }

  // ---- internals --------------------------------------------------------------------------------

  /**
   * A failure that ends what the page can do with the board (outdated, gone or not shared,
   * signed out), shown as such; false for the others (refusals, no answer).
   */
  private ended(kind: FailureKind): boolean {
    if (kind === "outdated") this.update({ status: { kind: "outdated" } });
    else if (kind === "not-found" || kind === "forbidden")
      this.update({ status: { kind: "not-found" } });
    else if (kind === "unauthorized") this.options.onUnauthorized?.();
    else return false;
    return true;
  }

  private onStartFailed(error: unknown) {
    const kind = this.options.classify(error);
    if (this.ended(kind)) return;
    if (kind === "refused" && this.opening.unanswered) {
      // The server will never take the adopted flush (a broken sequence): start without it.
      this.alert(`Some changes could not be saved and were undone (${messageOf(error)}).`);
      this.opening.discard();
      this.retrySoon(() => this.start(), 0);
    } else {
      this.trouble = "offline";
      this.update({ status: { kind: "offline", unsaved: this.opening.unsaved } });
      this.retrySoon(() => this.start());
    }
  }

  private retrySoon(work: () => Promise<void>, delay = this.retry.nextDelay()) {
    if (!this.stopped) this.retry.schedule(work, delay);
  }

  private subscribe() {
    if (!this.proxy) return;
    this.stopSubscription?.();
    this.stopSubscription = this.options.transport.subscribe(
      this.proxy.version,
      (changes) => {
        const proxy = this.proxy;
        if (!proxy) return;
        const before = proxy.version;
        proxy.receive(changes);
        // Someone may have undone or redone one of this person's actions: ask again.
        if (proxy.version > before) this.history.othersChanged();
      },
      (error) => {
        // Taken off the board (or it is gone): nothing more will come, and nothing can be sent.
        const kind = this.options.classify(error);
        if (kind === "not-found") this.update({ status: { kind: "not-found" } });
        else if (kind === "unauthorized") this.options.onUnauthorized?.();
      },
    );
  }

  private flushSoon(delay = this.options.flushDelayMs ?? 0) {
    this.retrySoon(() => this.flush(), delay);
  }

  private async flush(): Promise<void> {
    const proxy = this.proxy;
    if (!proxy || this.stopped) return;
    const request = proxy.beginFlush();
    if (!request) return;
    // Stored as unanswered before it leaves: a later visit re-sends exactly this request (same
    // batchSeq) and waits for its answer before loading, never replaying it on a board that may
    // already hold it.
    await this.savePending();
    if (this.stopped || proxy !== this.proxy) return proxy.cancelFlush();
    this.refreshStatus();
    let response: FlushResponse;
    try {
      response = await this.options.transport.flush(request);
    } catch (error) {
      proxy.cancelFlush();
      if (this.stopped || proxy !== this.proxy) return;
      await this.onFlushFailed(error);
      return;
    }
    // A stopped session's proxy no longer owns the stored edits (another session may have them).
    if (this.stopped || proxy !== this.proxy) return;
    proxy.endFlush(response);
    if (response.applied.completions.length > 0) this.history.ownEditSaved();
    this.trouble = null;
    this.retry.answered();
    void this.savePending();
    this.refreshStatus();
    if (proxy.pendingCount > 0) this.flushSoon();
  }

  private async onFlushFailed(error: unknown) {
    const kind = this.options.classify(error);
    if (kind === "outdated") {
      void this.savePending(); // kept for after the reload
      this.update({ status: { kind: "outdated" } });
    } else if (kind === "offline" || kind === "slowed") {
      // No answer (outcome unknown), or over the server's fair-use limit (nothing applied): the
      // same request goes again, when the server said or after a backoff.
      this.trouble = kind;
      this.refreshStatus();
      // Kept together, the base and the edits reopen the board offline exactly as it is now.
      if (kind === "offline") void this.device.saveNow(this.proxy?.getState().base);
      const after = kind === "slowed" ? this.options.retryAfterMs?.(error) : null;
      this.flushSoon(after ?? this.retry.nextDelay());
    } else if (kind === "unauthorized") {
      void this.savePending(); // kept for after signing in again
      this.options.onUnauthorized?.();
    } else {
      // The server will never take this batch (no longer allowed, or a broken sequence):
      // start over from the server's state and tell the user their edits were not saved.
      this.alert(
        kind === "forbidden"
          ? "You can only view this board: your changes were not saved."
          : `Some changes could not be saved and were undone (${messageOf(error)}).`,
      );
      await this.restart();
    }
  }

  private async restart() {
    if (this.proxy) void this.unsent.discard(this.proxy.clientId);
    this.unsent.unlock();
    this.stopSubscription?.();
    this.proxy = null;
    this.opening.reset();
    this.update({ document: null, status: { kind: "loading" } });
    await this.start();
  }

  /** S4: loads the master's state again and rebases the unsent edits on it; retried until done. */
  private async resync(): Promise<void> {
    if (this.stopped || !this.proxy) return;
    this.resyncing = true;
    try {
      const base = await this.options.transport.load();
      if (this.stopped || !this.proxy) return;
      this.proxy.reset(base);
      this.resyncing = false;
      this.trouble = null;
      this.subscribe();
      this.refreshStatus();
    } catch (error) {
      if (this.stopped) return;
      if (!this.ended(this.options.classify(error))) {
        this.trouble = "offline";
        this.refreshStatus();
        this.retrySoon(() => this.resync());
      }
    }
  }

  private onProxyEvent(event: ProxyEvent) {
    if (event.type === "change") {
      this.update({ document: event.document });
      if (this.proxy) this.device.keep(this.proxy.getState().base);
    } else if (event.type === "resync-needed") {
      if (!this.resyncing) void this.resync();
    } else for (const message of explainEdits(event)) this.alert(message);
  }

  private refreshStatus() {
    if (this.proxy) this.update({ status: syncStatus(this.trouble, this.proxy.pendingCount) });
  }

  /** The unsent edits, stored with the version of the base they sit on (the base is kept apart). */
  private savePending(): Promise<void> {
    if (!this.proxy) return Promise.resolve();
    const { base, ...pending } = this.proxy.getState();
    return this.unsent.save(pending, base.version).catch(() => {});
  }

  private update(change: Partial<BoardSnapshot>) {
    this.view.update(change);
  }
}

import {
  ClientProxy,
  type Doc,
  type FlushResponse,
  type MappedPath,
  type ProxyEvent,
  type Transaction,
} from "@/sync";
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
import { countPending, type Pending, UnsentEdits } from "./UnsentEdits";

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
  /** Unsent edits adopted from storage, until the proxy takes them (undefined: not looked yet). */
  private adopted: Pending | null | undefined;
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
    this.unsent = new UnsentEdits(
      options.storage ?? null,
      options.locks ?? null,
      `rewind:pending:${options.boardId}:${options.userId}:`,
    );
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

  /**
   * Opens the board. Unsent edits of an earlier visit are adopted first; a flush of theirs that
   * was never answered is re-sent exactly as it was (same batchSeq, so it cannot apply twice) and
   * answered *before* the board is loaded, so the loaded board and the replayed edits never hold
   * the same edit twice. Then the rest is replayed on the fresh base.
   */
  async start(): Promise<void> {
    if (this.stopped) return;
    if (this.adopted === undefined) {
      this.adopted = await this.unsent.adopt();
      if (this.stopped) return this.unsent.unlock(); // stopped while starting (React strict mode)
    }
    let base: { version: number; document: Doc };
    let mappedPaths: MappedPath[] = [];
    try {
      const unacked = this.adopted?.unacked;
      if (unacked) {
        const answer = await this.options.transport.flush(unacked);
        mappedPaths = answer.mappedPaths;
        for (const message of explainEdits({ type: "rejected", errors: answer.errors }))
          this.alert(message);
        this.adopted = { ...(this.adopted as Pending), unacked: null };
      }
      base = await this.options.transport.load();
    } catch (error) {
      if (this.stopped) return;
      this.onStartFailed(error);
      return;
    }
    if (this.stopped) return;
    const pending = this.adopted;
    this.adopted = null;
    this.trouble = null;
    this.retry.answered();
    this.proxy = new ClientProxy(pending ? { state: { ...pending, base }, mappedPaths } : { base });
    if (!pending && !(await this.unsent.hold(this.proxy.clientId))) return;
    if (this.stopped) return this.unsent.unlock();
    this.proxy.subscribe((event) => this.onProxyEvent(event));
    this.update({ document: this.proxy.document });
    this.savePending();
    this.subscribe();
    this.refreshStatus();
    if (this.proxy.pendingCount > 0) this.flushSoon(0);
  }

  stop(): void {
    this.stopped = true;
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
    this.savePending();
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
  }

  setOnline(online: boolean): void {
    this.trouble = online ? null : "offline";
    this.refreshStatus();
    if (online) this.flushSoon(0);
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
    if (kind === "refused" && this.adopted?.unacked) {
      // The server will never take the adopted flush (a broken sequence): start without it.
      this.alert(`Some changes could not be saved and were undone (${messageOf(error)}).`);
      this.discardAdopted();
      this.retrySoon(() => this.start(), 0);
    } else {
      this.trouble = "offline";
      this.update({ status: { kind: "offline", unsaved: countPending(this.adopted) } });
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
    this.savePending();
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
    this.savePending();
    this.refreshStatus();
    if (proxy.pendingCount > 0) this.flushSoon();
  }

  private async onFlushFailed(error: unknown) {
    const kind = this.options.classify(error);
    if (kind === "outdated") {
      this.savePending(); // kept for after the reload
      this.update({ status: { kind: "outdated" } });
    } else if (kind === "offline" || kind === "slowed") {
      // No answer (outcome unknown), or over the server's fair-use limit (nothing applied): the
      // same request goes again, when the server said or after a backoff.
      this.trouble = kind;
      this.refreshStatus();
      const after = kind === "slowed" ? this.options.retryAfterMs?.(error) : null;
      this.flushSoon(after ?? this.retry.nextDelay());
    } else if (kind === "unauthorized") {
      this.savePending(); // kept for after signing in again
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
    if (this.proxy) this.unsent.discard(this.proxy.clientId);
    this.unsent.unlock();
    this.stopSubscription?.();
    this.proxy = null;
    this.adopted = undefined;
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
    if (event.type === "change") this.update({ document: event.document });
    else if (event.type === "resync-needed") {
      if (!this.resyncing) void this.resync();
    } else for (const message of explainEdits(event)) this.alert(message);
  }

  private refreshStatus() {
    if (this.proxy) this.update({ status: syncStatus(this.trouble, this.proxy.pendingCount) });
  }

  private discardAdopted() {
    if (this.adopted) this.unsent.discard(this.adopted.clientId);
    this.unsent.unlock();
    this.adopted = undefined;
  }

  /** Only the unsent edits are stored (small; the base comes from the server on the next visit). */
  private savePending() {
    if (!this.proxy) return;
    const { base: _base, ...pending } = this.proxy.getState();
    this.unsent.save(pending);
  }

  private update(change: Partial<BoardSnapshot>) {
    this.view.update(change);
  }
}

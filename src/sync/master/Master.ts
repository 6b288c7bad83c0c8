import type { Interceptor, InterceptorContext } from "../core/interceptor";
import type { Command, Doc, FlushRequest, FlushResponse, RemoteChanges } from "../protocol";
import { applyFlush } from "./applyFlush";
import type { BatchOutcome } from "./idempotency";
import { buildFlushResponse, type HistoryReader } from "./respond";

export interface MasterOptions<C extends InterceptorContext> {
  /** Starting state; defaults to an empty document at version 0. */
  document?: Doc;
  version?: number;
  interceptor?: Interceptor<C>;
  /**
   * How many recent completions to keep for incremental catch-up (default: all). A client further
   * behind is answered with a snapshot (S2).
   */
  historyLimit?: number;
  newId?: () => string;
}

/**
 * The authority for one document, in memory: applies flushes in one total order, answers each
 * with what the client needs to catch up, and tells subscribers what changed. A thin loop around
 * `applyFlush`, the step the board server runs too (with its state in the database).
 */
export class Master<C extends InterceptorContext = InterceptorContext> implements HistoryReader {
  private doc: Doc;
  private current: number;
  /** Commands of versions historyStart + 1 .. current. */
  private history: Command[] = [];
  private historyStart: number;
  private readonly clients = new Map<string, BatchOutcome>();
  private readonly listeners = new Set<(changes: RemoteChanges) => void>();

  constructor(private readonly options: MasterOptions<C> = {}) {
    this.doc = options.document ?? {};
    this.current = options.version ?? 0;
    this.historyStart = this.current;
  }

  get version(): number {
    return this.current;
  }

  document(): Doc {
    return this.doc;
  }

  load(): { version: number; document: Doc } {
    return { version: this.current, document: this.doc };
  }

  commandsBetween(from: number, to: number): Command[] | null {
    if (from < this.historyStart || to > this.current || from > to) return null;
    return this.history.slice(from - this.historyStart, to - this.historyStart);
  }

  /** F1-F5, M1-M5: applies a flush (once per clientId and batchSeq) and answers it. */
  flush(request: FlushRequest, context: C): FlushResponse {
    const step = applyFlush(
      { version: this.current, document: this.doc },
      this.clients.get(request.clientId),
      request,
      { interceptor: this.options.interceptor, context, newId: this.options.newId },
    );
    if (step.kind === "applied") {
      const { outcome, state, applied } = step;
      this.doc = state.document;
      this.current = state.version;
      this.history.push(...applied);
      this.trimHistory();
      this.clients.set(request.clientId, outcome);
      if (applied.length > 0) {
        const changes: RemoteChanges = { from: outcome.from, completions: applied };
        for (const listener of this.listeners) listener(changes);
      }
    }
    return buildFlushResponse(this, request.from, step.outcome);
  }

  /** Calls `listener` with the completions of every flush that changed the document. */
  subscribe(listener: (changes: RemoteChanges) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private trimHistory() {
    const limit = this.options.historyLimit;
    if (limit === undefined || this.history.length <= limit) return;
    const drop = this.history.length - limit;
    this.history = this.history.slice(drop);
    this.historyStart += drop;
  }
}

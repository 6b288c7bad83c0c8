import { produce } from "immer";
import { applyCommand } from "../core/apply";
import { newId } from "../core/ids";
import { type Interceptor, type InterceptorContext, intercept } from "../core/interceptor";
import type {
  Command,
  CommandError,
  Doc,
  FlushRequest,
  FlushResponse,
  JsonObject,
  MappedPath,
  RemoteChanges,
} from "../protocol";
import { rebaseCommands, replayCompletions } from "./replay";

/** Everything a proxy needs to resume after a reload: persist it while edits are unsent. */
export interface ProxyState {
  clientId: string;
  base: { version: number; document: Doc };
  /** The batchSeq the next new flush gets. */
  nextBatchSeq: number;
  /** A flush sent (or about to be re-sent) whose answer has not arrived: retried as is. */
  unacked: FlushRequest | null;
  /** Commands not sent yet. */
  queue: Command[];
}

export type ProxyEvent =
  /** The document changed (local edit, answer from the master, or others' changes). */
  | { type: "change"; document: Doc }
  /** R4: the master refused these commands; their effect has been rolled back. */
  | { type: "rejected"; errors: (CommandError & { command: Command })[] }
  /** R3: unsent commands that no longer apply after a rebase; their effect is gone. */
  | { type: "dropped"; dropped: { command: Command; message: string }[] }
  /** S4: the proxy missed changes it cannot reconstruct; load a fresh base and `reset`. */
  | { type: "resync-needed"; reason: string };

export type ApplyResult = { ok: true; commands: Command[] } | { ok: false; message: string };

export interface ClientProxyOptions<C extends InterceptorContext> {
  /** A fresh proxy: the master's current state. Ignored when `state` is given. */
  base?: { version: number; document: Doc };
  /** A proxy resumed from `ProxyState` saved earlier (offline edits survive a reload). */
  state?: ProxyState;
  clientId?: string;
  /**
   * With `state`: ids the master renamed in a flush answered before resuming (an unacked flush
   * settled first); the queued commands follow them (M4).
   */
  mappedPaths?: MappedPath[];
  /** Optional client-side rules for instant feedback; the master's rules still decide. */
  interceptor?: Interceptor<C>;
  context?: C;
}

/** Helpers handed to `transact`; each applies at once to the transaction's draft. */
export interface Transaction {
  /** Creates a child under `path` and returns its id. */
  create(
    path: string[],
    props?: JsonObject,
    options?: { parentDefault?: JsonObject; id?: string },
  ): string;
  update(path: string[], props: JsonObject): void;
  delete(path: string[]): void;
}

class TransactionAborted extends Error {}

/**
 * The client side of a document: applies edits at once to an immutable document (Immer, sharing
 * untouched subtrees so views compare by reference), queues them, hands them to a flush, and
 * rebases what is still unsent on the master's answer. Framework-free: drive it from any UI or
 * transport.
 */
export class ClientProxy<C extends InterceptorContext = InterceptorContext> {
  readonly clientId: string;
  private base: { version: number; document: Doc };
  private doc: Doc;
  private nextBatchSeq: number;
  private unacked: FlushRequest | null;
  private inFlight = false;
  private queue: Command[];
  /** Others' changes that arrived while a flush was unanswered; applied after its answer. */
  private buffered: RemoteChanges[] = [];
  private readonly listeners = new Set<(event: ProxyEvent) => void>();

  constructor(private readonly options: ClientProxyOptions<C>) {
    const state = options.state;
    if (state) {
      this.clientId = state.clientId;
      this.base = state.base;
      this.nextBatchSeq = state.nextBatchSeq;
      this.unacked = state.unacked;
      this.queue = state.queue;
    } else {
      if (!options.base) throw new Error("ClientProxy needs a base or a saved state");
      this.clientId = options.clientId ?? newId();
      this.base = options.base;
      this.nextBatchSeq = 1;
      this.unacked = null;
      this.queue = [];
    }
    this.doc = this.base.document;
    if (this.unacked || this.queue.length > 0) this.rebase(options.mappedPaths ?? []);
  }

  /** The document as the user sees it: the master's state plus every unsent edit. */
  get document(): Doc {
    return this.doc;
  }

  /** Version of the base the unsent edits sit on. */
  get version(): number {
    return this.base.version;
  }

  /** Edits not yet acknowledged by the master. */
  get pendingCount(): number {
    return this.queue.length + (this.unacked?.commands.length ?? 0);
  }

  /** A copy-free view of what to persist to survive a reload. */
  getState(): ProxyState {
    return {
      clientId: this.clientId,
      base: this.base,
      nextBatchSeq: this.nextBatchSeq,
      unacked: this.unacked,
      queue: this.queue,
    };
  }

  subscribe(listener: (event: ProxyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * L1: applies commands at once, all or none, and queues them for the next flush. A command that
   * fails (or that the client interceptor rejects) leaves the document as it was.
   */
  apply(commands: Command | Command[]): ApplyResult {
    const list = Array.isArray(commands) ? commands : [commands];
    return this.run((draft, queue) => {
      for (const command of list) this.applyOne(draft, command, queue);
    });
  }

  /**
   * L2 / H1: one user action. Every command made inside `fn` shares an action id and `label`, and
   * they apply all or none. Returns what `fn` returned, or the reason nothing was applied.
   */
  transact<T>(
    label: string,
    fn: (tx: Transaction) => T,
  ): { ok: true; value: T } | { ok: false; message: string } {
    const actionId = newId();
    let value: T | undefined;
    const result = this.run((draft, queue) => {
      const group = { actionId, label };
      value = fn({
        create: (path, props, opts) => {
          const command: Command = {
            action: "create",
            path,
            createdId: opts?.id ?? newId(),
            ...group,
          };
          if (props) command.props = props;
          if (opts?.parentDefault) command.parentDefault = opts.parentDefault;
          return this.applyOne(draft, command, queue).createdId as string;
        },
        update: (path, props) => {
          this.applyOne(draft, { action: "update", path, props, ...group }, queue);
        },
        delete: (path) => {
          this.applyOne(draft, { action: "delete", path, ...group }, queue);
        },
      });
    });
    return result.ok ? { ok: true, value: value as T } : result;
  }

  /**
   * F1: hands the unsent edits to a flush. Returns null when there is nothing to send or a flush
   * is already in flight. After a cancelled flush, returns the very same request again (same
   * batchSeq and commands), so a retry is harmless whether or not the master saw the first one.
   * `force` sends an empty flush to catch up with the master (F8: batchSeq 0, so it takes none
   * and the master records nothing).
   */
  beginFlush(options: { force?: boolean } = {}): FlushRequest | null {
    if (this.inFlight) return null;
    if (!this.unacked) {
      if (this.queue.length === 0 && !options.force) return null;
      const catchUp = this.queue.length === 0;
      this.unacked = {
        clientId: this.clientId,
        batchSeq: catchUp ? 0 : this.nextBatchSeq++,
        from: this.base.version,
        commands: this.queue,
      };
      this.queue = [];
    }
    this.inFlight = true;
    return this.unacked;
  }

  /** F6: the flush failed or its answer was lost; keep the edits and retry later as is. */
  cancelFlush(): void {
    this.inFlight = false;
  }

  /**
   * R1-R4: takes the master's answer to the flush in flight: moves the base forward (by the
   * batch's own applied commands, a diff or a snapshot), reports refused commands, and replays
   * the still-unsent ones on the new base.
   */
  endFlush(response: FlushResponse): void {
    const request = this.unacked;
    if (!request) return;
    this.unacked = null;
    this.inFlight = false;

    let inStep = true;
    if (response.sync?.kind === "diff") inStep = this.advanceBase(response.sync);
    else if (response.sync?.kind === "snapshot") {
      this.base = { version: response.sync.version, document: response.sync.document };
    } else inStep = this.advanceBase(response.applied); // S1: the batch sat right on our base
    if (response.errors.length > 0) {
      this.emit({
        type: "rejected",
        errors: response.errors.map((error) => ({
          ...error,
          command: request.commands[error.index] as Command,
        })),
      });
    }
    const buffered = this.buffered;
    this.buffered = [];
    for (const changes of buffered) {
      if (!inStep) break;
      inStep = this.advanceBase(changes);
    }
    this.rebase(response.mappedPaths);
  }

  /**
   * S3: changes others made, pushed by the master. Applied to the base at once (and the unsent
   * edits rebased on top), or kept until the flush in flight is answered.
   */
  receive(changes: RemoteChanges): void {
    if (this.unacked) {
      this.buffered.push(changes);
      return;
    }
    if (this.advanceBase(changes)) this.rebase([]);
  }

  /** S4: starts over from a freshly loaded base, keeping and replaying the unsent edits. */
  reset(base: { version: number; document: Doc }): void {
    this.base = base;
    this.buffered = [];
    this.rebase([]);
  }

  // ---- internals --------------------------------------------------------------------------------

  private run(fn: (draft: Doc, queue: Command[]) => void): ApplyResult {
    const queued: Command[] = [];
    let next: Doc;
    try {
      next = produce(this.doc, (draft) => fn(draft, queued));
    } catch (error) {
      if (error instanceof TransactionAborted) return { ok: false, message: error.message };
      throw error;
    }
    if (queued.length === 0) return { ok: true, commands: [] };
    for (const command of queued) this.queue.push(command);
    this.doc = next;
    this.emit({ type: "change", document: next });
    return { ok: true, commands: queued };
  }

  private applyOne(draft: Doc, command: Command, queue: Command[]): Command {
    const decided = intercept(
      this.options.interceptor,
      draft,
      command,
      this.options.context ?? ({} as C),
    );
    if ("reject" in decided) throw new TransactionAborted(decided.reject);
    const outcome = applyCommand(draft, decided.command, { onCollision: "rename" });
    if (!outcome.ok) throw new TransactionAborted(outcome.message);
    queue.push(outcome.completion);
    return outcome.completion;
  }

  /** Applies the part of `changes` beyond the base. False (and resync-needed) on a gap. */
  private advanceBase(changes: RemoteChanges): boolean {
    const end = changes.from + changes.completions.length;
    if (end <= this.base.version) return true;
    if (changes.from > this.base.version) {
      this.emit({
        type: "resync-needed",
        reason: `missed versions ${this.base.version + 1}..${changes.from}`,
      });
      return false;
    }
    const fresh = changes.completions.slice(this.base.version - changes.from);
    const document = replayCompletions(this.base.document, fresh);
    if (!document) {
      this.emit({
        type: "resync-needed",
        reason: "remote changes did not apply to the local base",
      });
      return false;
    }
    this.base = { version: end, document };
    return true;
  }

  /**
   * R2: recomputes the visible document from the base. The unacked flush is replayed for display
   * only (it must be re-sent exactly as it was); the queue is rebased, following `mappedPaths`,
   * and what no longer applies is dropped and reported.
   */
  private rebase(mappedPaths: FlushResponse["mappedPaths"]): void {
    let document = this.base.document;
    if (this.unacked) document = rebaseCommands(document, this.unacked.commands).document;
    const result = rebaseCommands(document, this.queue, mappedPaths);
    this.queue = result.kept;
    this.doc = result.document;
    if (result.dropped.length > 0) this.emit({ type: "dropped", dropped: result.dropped });
    this.emit({ type: "change", document: this.doc });
  }

  private emit(event: ProxyEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

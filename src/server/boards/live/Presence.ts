import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { log } from "../../observability/log";
import type { BoardEvents } from "./BoardEvents";

export interface PresentUser {
  id: string;
  name: string;
}

export interface PresenceOptions {
  /** How often an instance repeats who is on its boards. */
  heartbeatMs?: number;
  /** An instance not heard of this long is gone, and so are its people. */
  expireMs?: number;
}

/** What an instance says of one board: who is on it there, and whether others should answer. */
interface PresenceMessage {
  instance: string;
  boardId: string;
  users: PresentUser[];
  /** Sent when this instance gets its first person on the board: others answer with theirs. */
  ask?: boolean;
}

/** A NOTIFY payload holds at most 8,000 bytes; a message is cut to this many users. */
const MAX_USERS_PER_MESSAGE = 50;

/**
 * Who has a board open, across instances. Each instance keeps its own connections (one entry per
 * open connection, so a user with two tabs stays present until both close) and tells the others
 * through the board events (NOTIFY on PostgreSQL) whenever that changes, and again every
 * heartbeat; what another instance said is forgotten when it has not been heard for `expireMs`,
 * so the people of an instance that died disappear.
 */
export class Presence {
  private readonly instance = randomUUID();
  private readonly local = new Map<string, Map<symbol, PresentUser>>();
  /** boardId → instance → its people there and when it last said so. */
  private readonly remote = new Map<string, Map<string, { users: PresentUser[]; at: number }>>();
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly options: Required<PresenceOptions>;
  private readonly timers: ReturnType<typeof setInterval>[];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly events: BoardEvents,
    options: PresenceOptions = {},
  ) {
    this.options = { heartbeatMs: 10_000, expireMs: 25_000, ...options };
    this.unsubscribe = events.subscribePresence((payload) => this.heard(payload));
    this.timers = [
      setInterval(() => this.heartbeat(), this.options.heartbeatMs),
      setInterval(() => this.expire(), Math.max(100, this.options.expireMs / 5)),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** Marks `user` present on `boardId` until the returned function is called. */
  join(boardId: string, user: PresentUser): () => void {
    const key = Symbol(user.id);
    let connections = this.local.get(boardId);
    const first = !connections;
    if (!connections) {
      connections = new Map();
      this.local.set(boardId, connections);
    }
    connections.set(key, user);
    this.changed(boardId, first);
    return () => {
      connections.delete(key);
      if (connections.size === 0 && this.local.get(boardId) === connections) {
        this.local.delete(boardId);
      }
      this.changed(boardId);
    };
  }

  /** Everyone present on any instance, once each: this instance's people first, by arrival. */
  list(boardId: string): PresentUser[] {
    const unique = new Map<string, PresentUser>();
    for (const user of this.here(boardId)) unique.set(user.id, user);
    for (const { users } of this.remote.get(boardId)?.values() ?? []) {
      for (const user of users) if (!unique.has(user.id)) unique.set(user.id, user);
    }
    return [...unique.values()];
  }

  onChange(boardId: string, listener: () => void): () => void {
    this.emitter.on(boardId, listener);
    return () => this.emitter.off(boardId, listener);
  }

  /** Stops telling others (as a dead instance would: no goodbye). */
  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribe();
  }

  /** This instance's people on the board, once each. */
  private here(boardId: string): PresentUser[] {
    const unique = new Map<string, PresentUser>();
    for (const user of this.local.get(boardId)?.values() ?? []) unique.set(user.id, user);
    return [...unique.values()];
  }

  private changed(boardId: string, ask = false) {
    this.emitter.emit(boardId);
    this.tell(boardId, ask);
  }

  private tell(boardId: string, ask = false) {
    const message: PresenceMessage = {
      instance: this.instance,
      boardId,
      users: this.here(boardId).slice(0, MAX_USERS_PER_MESSAGE),
      ...(ask ? { ask } : {}),
    };
    this.events.publishPresence(JSON.stringify(message)).catch((error: Error) => {
      // The next heartbeat says it again.
      log.warn({ boardId, err: error }, "could not tell other instances who is present");
    });
  }

  private heard(payload: string) {
    let message: PresenceMessage;
    try {
      message = JSON.parse(payload) as PresenceMessage;
    } catch {
      return;
    }
    if (message.instance === this.instance) return;
    const { boardId } = message;
    let instances = this.remote.get(boardId);
    if (!instances) {
      instances = new Map();
      this.remote.set(boardId, instances);
    }
    if (message.users.length === 0) instances.delete(message.instance);
    else instances.set(message.instance, { users: message.users, at: Date.now() });
    if (instances.size === 0) this.remote.delete(boardId);
    this.emitter.emit(boardId);
    if (message.ask && this.local.has(boardId)) this.tell(boardId);
  }

  private heartbeat() {
    for (const boardId of this.local.keys()) this.tell(boardId);
  }

  private expire() {
    const cutoff = Date.now() - this.options.expireMs;
    for (const [boardId, instances] of this.remote) {
      let changed = false;
      for (const [instance, { at }] of instances) {
        if (at < cutoff) {
          instances.delete(instance);
          changed = true;
        }
      }
      if (instances.size === 0) this.remote.delete(boardId);
      if (changed) this.emitter.emit(boardId);
    }
  }
}

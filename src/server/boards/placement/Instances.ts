import { LRUCache } from "lru-cache";
import { log } from "../../observability/log";
import type { BoardEvents } from "../live/BoardEvents";

/** Another instance, as it said where it can be reached. */
export interface Peer {
  id: string;
  url: string;
}

export interface InstancesOptions {
  /** How often an instance says it is there. */
  heartbeatMs?: number;
  /** An instance not heard of this long is gone. */
  expireMs?: number;
}

interface Heard {
  url: string;
  at: number;
  /** Calls to it failed: left out until then. */
  downUntil: number;
}

/** What an instance says every heartbeat, and once when it stops. */
interface InstanceMessage {
  id: string;
  url: string;
  leaving?: boolean;
}

/** Boards whose last writer is remembered (the others are written wherever they arrive). */
const WRITERS_KEPT = 50_000;

/**
 * The instances sharing this PostgreSQL, each heard every heartbeat (NOTIFY), and which of them
 * writes each board: the one that wrote its latest version, as every version's notification
 * says. Behind a balancer that hashes by board, that is the instance the board's people reach
 * and nothing moves; spread over several, the first to write keeps the board and the others send
 * it their flushes, and when it goes (or cannot be reached) the next to write takes it. Which
 * instance writes a board is only where its writes are cheapest: any instance may still write
 * any board (they take turns through the database, BoardTurns).
 */
export class Instances {
  readonly id: string;
  private url: string | null = null;
  private readonly peers = new Map<string, Heard>();
  /** boardId → the instance that wrote its latest version heard of, and that version. */
  private readonly writers = new LRUCache<string, { instance: string; version: number }>({
    max: WRITERS_KEPT,
  });
  private readonly options: Required<InstancesOptions>;
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly events: BoardEvents,
    options: InstancesOptions = {},
  ) {
    this.id = events.instance;
    this.options = { heartbeatMs: 1_000, expireMs: 3_500, ...options };
  }

  /**
   * From now on, tells the others this instance is reachable at `url` (its HTTP origin), and
   * listens to theirs and to who writes each board. Until then (no forwarding: one process, or
   * no AUTH_SECRET) it knows no other instance, and nothing is kept per version.
   */
  start(url: string): void {
    this.url = url;
    if (this.unsubscribe.length === 0) {
      this.unsubscribe = [
        this.events.subscribeInstances((payload) => this.heard(payload)),
        this.events.subscribeAll((boardId, version, writer) =>
          this.wrote(boardId, version, writer),
        ),
      ];
    }
    this.say();
    this.timer ??= setInterval(() => this.say(), this.options.heartbeatMs);
    this.timer.unref();
  }

  /**
   * The instance that writes `boardId` when it is another one, alive and reachable; null when it
   * is this one, or none is (then this one writes it).
   */
  ownerOf(boardId: string): Peer | null {
    const writer = this.writers.get(boardId)?.instance;
    if (writer === undefined || writer === this.id) return null;
    const peer = this.peers.get(writer);
    const now = Date.now();
    if (!peer || now - peer.at > this.options.expireMs || peer.downUntil > now) return null;
    return { id: writer, url: peer.url };
  }

  /** Calls to `id` failed: boards it writes are written elsewhere for `forMs`. */
  down(id: string, forMs: number): void {
    const peer = this.peers.get(id);
    if (peer) peer.downUntil = Date.now() + forMs;
  }

  /** The other instances heard lately (metrics, tests). */
  get peerCount(): number {
    const now = Date.now();
    return [...this.peers.values()].filter((p) => now - p.at <= this.options.expireMs).length;
  }

  /** Stops saying this instance is there, and tells the others it goes. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
    const url = this.url;
    this.url = null;
    if (url) await this.publish({ id: this.id, url, leaving: true });
  }

  private say() {
    if (this.url) void this.publish({ id: this.id, url: this.url });
    // Instances gone for good (each start is a new one) are forgotten.
    const now = Date.now();
    for (const [id, peer] of this.peers) {
      if (now - peer.at > 10 * this.options.expireMs) this.peers.delete(id);
    }
  }

  private async publish(message: InstanceMessage) {
    await this.events.publishInstance(JSON.stringify(message)).catch((error: Error) => {
      log.warn({ err: error }, "could not tell the other instances this one is there");
    });
  }

  private wrote(boardId: string, version: number, writer: string | null) {
    const known = this.writers.get(boardId);
    if (known && known.version >= version) return; // an echo, or an older version heard late
    if (writer === null) this.writers.delete(boardId);
    else this.writers.set(boardId, { instance: writer, version });
  }

  private heard(payload: string) {
    let message: InstanceMessage;
    try {
      message = JSON.parse(payload) as InstanceMessage;
    } catch {
      return;
    }
    if (message.id === this.id || typeof message.url !== "string") return;
    if (message.leaving) {
      this.peers.delete(message.id);
      return;
    }
    const known = this.peers.get(message.id);
    this.peers.set(message.id, {
      url: message.url,
      at: Date.now(),
      downUntil: known?.downUntil ?? 0,
    });
  }
}

import { timingSafeEqual } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { FlushRequest, FlushResponse } from "@/sync";
import { metrics } from "../../observability/metrics";
import { DomainError } from "../errors";
import type { BoardService } from "../master/BoardService";
import type { Instances, Peer } from "./Instances";

/** A flush handed to the instance that writes its board. */
export interface ForwardedFlush {
  /** The instance meant (a call that reaches another one is refused). */
  instance: string;
  boardId: string;
  userId: string;
  request: FlushRequest;
}

/** Sends a flush to another instance and answers with its answer; throws PeerUnreachable. */
export type Forward = (peer: Peer, flush: ForwardedFlush) => Promise<FlushResponse>;

/** The other instance could not be reached (or was not the one meant): write here instead. */
export class PeerUnreachable extends Error {
  override readonly name = "PeerUnreachable";
}

/** A forwarded flush reached another instance than the one meant (an address reused). */
export class NotThisInstance extends DomainError {
  override readonly name = "NotThisInstance";
  static readonly message = "This is not the instance meant";
  constructor() {
    super("conflict", NotThisInstance.message);
  }
}

/**
 * The instance that wrote the board has had no flush of its own for it lately: the flushes come
 * from elsewhere (a balancer that hashes boards sends its people to another instance), and the
 * instance they reach should write it.
 */
export class WriteWhereTheyArrive extends DomainError {
  override readonly name = "WriteWhereTheyArrive";
  static readonly message = "Write this board where its flushes arrive";
  constructor() {
    super("conflict", WriteWhereTheyArrive.message);
  }
}

/** Another instance declined a flush (WriteWhereTheyArrive): written here, the peer is fine. */
export class PeerDeclined extends Error {
  override readonly name = "PeerDeclined";
}

export interface PlacementOptions {
  /** An instance keeps writing a board while a flush of its own came within this (ms). */
  keepMs?: number;
}

/** Boards whose last flush of this instance's own is remembered. */
const BOARDS_KEPT = 50_000;

/** How long a peer that could not be reached is left out. */
const DOWN_MS = 5_000;

/**
 * Where a board's flushes are written: on the instance that writes the board (Instances), so a
 * board's writers spread over instances by a balancer that does not hash by board still meet on
 * one, in its group commits, instead of taking turns through the database. A flush that cannot
 * reach that instance is written here: any instance may write any board, and a retried flush is
 * applied once (its clientId and batchSeq), wherever it lands.
 */
export class BoardPlacement {
  /** boardId → when a flush that reached this instance itself was last written here. */
  private readonly ownFlushes = new LRUCache<string, number>({ max: BOARDS_KEPT });
  private readonly keepMs: number;

  constructor(
    private readonly boards: BoardService,
    readonly instances: Instances,
    private readonly peers: { token: string; forward: Forward } | null,
    options: PlacementOptions = {},
  ) {
    this.keepMs = options.keepMs ?? 2_000;
  }

  /** Whether a socket showing `token` is another instance's. */
  isPeer(token: unknown): boolean {
    if (this.peers === null || typeof token !== "string") return false;
    const [given, expected] = [Buffer.from(token), Buffer.from(this.peers.token)];
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * A flush another instance forwarded: applied here, never forwarded again; declined when none
   * of this board's flushes reached this instance itself lately (then the one they reach writes
   * it, and the others follow it there).
   */
  applyForwarded({ instance, boardId, userId, request }: ForwardedFlush): Promise<FlushResponse> {
    if (instance !== this.instances.id) throw new NotThisInstance();
    const own = this.ownFlushes.get(boardId);
    if (own === undefined || Date.now() - own > this.keepMs) throw new WriteWhereTheyArrive();
    return this.boards.flush(boardId, request, userId);
  }

  /** Applies a flush (as BoardService.flush) on the instance that writes its board. */
  async flush(boardId: string, request: FlushRequest, userId: string): Promise<FlushResponse> {
    const owner = this.peers ? this.instances.ownerOf(boardId) : null;
    if (owner && this.peers) {
      try {
        const answer = await this.peers.forward(owner, {
          instance: owner.id,
          boardId,
          userId,
          request,
        });
        metrics.forwarded.inc({ outcome: "answered" });
        return answer;
      } catch (error) {
        if (error instanceof PeerDeclined) metrics.forwarded.inc({ outcome: "declined" });
        else if (error instanceof PeerUnreachable) {
          metrics.forwarded.inc({ outcome: "unreachable" });
          this.instances.down(owner.id, DOWN_MS);
        } else throw error;
      }
    }
    if (this.peers) this.ownFlushes.set(boardId, Date.now());
    return this.boards.flush(boardId, request, userId);
  }
}

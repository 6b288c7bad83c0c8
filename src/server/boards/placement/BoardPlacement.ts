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
  constructor(
    private readonly boards: BoardService,
    readonly instances: Instances,
    private readonly peers: { token: string; forward: Forward } | null,
  ) {}

  /** Whether a socket showing `token` is another instance's. */
  isPeer(token: unknown): boolean {
    return this.peers !== null && typeof token === "string" && token === this.peers.token;
  }

  /** A flush another instance forwarded: applied here, never forwarded again. */
  applyForwarded({ instance, boardId, userId, request }: ForwardedFlush): Promise<FlushResponse> {
    if (instance !== this.instances.id) throw new NotThisInstance();
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
        if (!(error instanceof PeerUnreachable)) throw error;
        metrics.forwarded.inc({ outcome: "unreachable" });
        this.instances.down(owner.id, DOWN_MS);
      }
    }
    return this.boards.flush(boardId, request, userId);
  }
}

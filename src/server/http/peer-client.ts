import { createHash } from "node:crypto";
import { createTRPCClient, type TRPCClient, TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { WebSocket } from "ws";
import { socketLink } from "@/trpc/direct-calls";
import type { AppRouter } from "../api/root";
import type { Forward } from "../boards/placement/BoardPlacement";
import {
  NotThisInstance,
  PeerDeclined,
  PeerUnreachable,
  WriteWhereTheyArrive,
} from "../boards/placement/BoardPlacement";
import { log } from "../observability/log";

/** A call to another instance not answered within this is written here instead. */
const ANSWER_WITHIN_MS = 3_000;

interface PeerClient {
  client: TRPCClient<AppRouter>;
  state: { lost: boolean };
  /** Calls waiting for an answer. */
  waiting: Set<AbortController>;
  close(): void;
}

/** What instances sharing AUTH_SECRET show each other on their sockets (never a person's). */
export function peerToken(secret: string): string {
  return createHash("sha256").update("rewind peer\n").update(secret).digest("base64url");
}

/**
 * Flushes sent to the instance that writes their board, over one WebSocket per instance (the
 * page's link: calls written on the open socket at once), marked as coming from an instance by
 * `token`. A refusal there is answered here as it was there; a socket that fails, or an answer
 * that does not come in time, is PeerUnreachable.
 */
export function peerForwarder(token: string): { forward: Forward; close(): void } {
  const clients = new Map<string, PeerClient>();
  const clientFor = (url: string) => {
    let peer = clients.get(url);
    if (!peer) {
      // Its socket's state: a call to an instance whose socket was lost fails at once, not when
      // the wait for its answer ends (tRPC's client keeps reconnecting meanwhile).
      const state = { lost: false };
      const waiting = new Set<AbortController>();
      const lost = () => {
        state.lost = true;
        for (const call of waiting) call.abort();
      };
      const { client: ws, link } = socketLink<AppRouter>({
        url: `${url.replace(/^http/, "ws")}/api/trpc?peer`,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: { peer: token },
        retryDelayMs: () => 500,
        onOpen: () => {
          state.lost = false;
        },
        onClose: lost,
        onError: lost,
      });
      peer = {
        client: createTRPCClient<AppRouter>({ links: [link] }),
        state,
        waiting,
        close: () => ws.close(),
      };
      clients.set(url, peer);
    }
    return peer;
  };
  return {
    async forward(peer, flush) {
      const { client, state, waiting } = clientFor(peer.url);
      if (state.lost) throw new PeerUnreachable(`instance ${peer.id} at ${peer.url}: socket lost`);
      // Given up when the socket is lost (or cannot be opened), or the answer is too long coming.
      const call = new AbortController();
      waiting.add(call);
      try {
        return await client.peer.flush.mutate(flush, {
          signal: AbortSignal.any([call.signal, AbortSignal.timeout(ANSWER_WITHIN_MS)]),
        });
      } catch (error) {
        const code = error instanceof TRPCClientError ? error.data?.code : undefined;
        if (code && (error as Error).message === WriteWhereTheyArrive.message) {
          throw new PeerDeclined(`instance ${peer.id} does not write board ${flush.boardId} now`);
        }
        if (code && (error as Error).message === NotThisInstance.message) {
          log.warn(
            { peer: peer.id, url: peer.url },
            "another instance answers at this instance's INSTANCE_URL: set INSTANCE_URL to each instance's own address",
          );
        } else if (code) {
          // Answered there: the same answer here (a retried flush is applied once, wherever).
          throw new TRPCError({ code, message: (error as Error).message });
        }
        throw new PeerUnreachable(
          `instance ${peer.id} at ${peer.url}: ${(error as Error).message}`,
        );
      } finally {
        waiting.delete(call);
      }
    },
    close() {
      for (const peer of clients.values()) peer.close();
      clients.clear();
    },
  };
}

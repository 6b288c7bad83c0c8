import { createHash } from "node:crypto";
import { createTRPCClient, type TRPCClient, TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { WebSocket } from "ws";
import { socketLink } from "@/trpc/direct-calls";
import type { AppRouter } from "../api/root";
import type { Forward } from "../boards/placement/BoardPlacement";
import { NotThisInstance, PeerUnreachable } from "../boards/placement/BoardPlacement";

/** A call to another instance not answered within this is written here instead. */
const ANSWER_WITHIN_MS = 3_000;

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
  const clients = new Map<string, { client: TRPCClient<AppRouter>; close(): void }>();
  const clientFor = (url: string) => {
    let peer = clients.get(url);
    if (!peer) {
      const { client: ws, link } = socketLink<AppRouter>({
        url: `${url.replace(/^http/, "ws")}/api/trpc`,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        connectionParams: { peer: token },
        retryDelayMs: () => 500,
      });
      peer = { client: createTRPCClient<AppRouter>({ links: [link] }), close: () => ws.close() };
      clients.set(url, peer);
    }
    return peer.client;
  };
  return {
    async forward(peer, flush) {
      try {
        return await clientFor(peer.url).peer.flush.mutate(flush, {
          signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
        });
      } catch (error) {
        const code = error instanceof TRPCClientError ? error.data?.code : undefined;
        // Answered there: the same answer here (a retried flush is applied once, wherever).
        if (code && (error as Error).message !== NotThisInstance.message) {
          throw new TRPCError({ code, message: (error as Error).message });
        }
        throw new PeerUnreachable(
          `instance ${peer.id} at ${peer.url}: ${(error as Error).message}`,
        );
      }
    },
    close() {
      for (const peer of clients.values()) peer.close();
      clients.clear();
    },
  };
}

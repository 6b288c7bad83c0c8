import { applyWSSHandler, type CreateWSSContextFn } from "@trpc/server/adapters/ws";
import type { WebSocketServer } from "ws";
import { type AppRouter, appRouter } from "../api/root";
import { reportFailedCall } from "../observability/calls";
import { noteSubscribeRequests } from "./direct-subscriptions";

/** Pings every 30 s; a client that does not answer within 5 s is dropped. */
const KEEP_ALIVE = { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 } as const;

/** The tRPC router on a WebSocket server: queries, mutations and subscriptions on one socket. */
export function serveTRPC(wss: WebSocketServer, createContext: CreateWSSContextFn<AppRouter>) {
  noteSubscribeRequests(wss); // before tRPC's own listener
  return applyWSSHandler({
    wss,
    router: appRouter,
    createContext,
    keepAlive: KEEP_ALIVE,
    onError: reportFailedCall,
  });
}

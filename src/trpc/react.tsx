"use client";

import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, loggerLink, type TRPCClient } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useEffect, useState } from "react";
import type { AppRouter } from "@/server/api/root";
import { lazyLink, type ServerLinkOptions, serverLink } from "./links";
import { makeQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

function getQueryClient() {
  // The server renders each request with a fresh client; the browser keeps one for the session.
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

function baseUrl() {
  if (typeof window !== "undefined") return window.location.origin;
  return `http://localhost:${process.env.PORT ?? 3000}`;
}

/** How this page reaches the server: one WebSocket, or HTTP and SSE when it cannot be opened. */
function connectionOptions(board?: string): ServerLinkOptions {
  return {
    board,
    force: process.env.NEXT_PUBLIC_TRANSPORT === "sse" ? "sse" : undefined,
    // Shown on <html data-transport>, for people debugging and for the e2e tests.
    onTransport: (transport) => {
      if (typeof document !== "undefined") document.documentElement.dataset.transport = transport;
    },
  };
}

function logger() {
  return loggerLink<AppRouter>({
    enabled: (op) =>
      process.env.NODE_ENV === "development" ||
      (op.direction === "down" && op.result instanceof Error),
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  // Opened at the first call: on a board page every call goes on the board's own socket.
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [logger(), lazyLink(() => serverLink(baseUrl(), connectionOptions()))],
    }),
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/**
 * Everything under it talks to the server on the board's own connection: a WebSocket at
 * `/api/trpc?board=<boardId>` (load, flush, subscribe, history, undo, presence...), so a
 * balancer hashing on `board` sends all of a board's sockets to one instance. Another board
 * opens its own; the previous one is closed.
 */
export function BoardTRPCProvider({ boardId, children }: { boardId: string; children: ReactNode }) {
  const queryClient = getQueryClient();
  const [connection, setConnection] = useState<{
    boardId: string;
    client: TRPCClient<AppRouter>;
  } | null>(null);
  useEffect(() => {
    const server = serverLink(baseUrl(), connectionOptions(boardId));
    const client = createTRPCClient<AppRouter>({ links: [logger(), server.link] });
    setConnection({ boardId, client });
    return () => server.close();
  }, [boardId]);
  if (connection?.boardId !== boardId) return <p className="muted">Loading board…</p>;
  return (
    <TRPCProvider trpcClient={connection.client} queryClient={queryClient}>
      {children}
    </TRPCProvider>
  );
}

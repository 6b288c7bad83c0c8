import { httpBatchStreamLink, httpSubscriptionLink, splitLink, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { backoff } from "@/lib/backoff";
import { transformer } from "@/lib/transformer";
import type { AppRouter } from "@/server/api/root";
import { PROTOCOL_VERSION } from "@/sync";
import { socketLink } from "./direct-calls";

export type Transport = "websocket" | "sse";

/** How long the first WebSocket may take to open before the page settles on HTTP and SSE. */
const OPEN_TIMEOUT_MS = 3_000;

/** Reconnect delays: exponential up to 10 s, with jitter, so restarted servers are not stampeded. */
const reconnectDelay = (attempt: number) => backoff(attempt, 250, 10_000);

/** HTTP for queries and mutations (batched), server-sent events for subscriptions. */
function httpLinks(url: string): TRPCLink<AppRouter> {
  return splitLink({
    condition: (op) => op.type === "subscription",
    // Event streams cannot send headers: the protocol goes as a connection parameter.
    true: httpSubscriptionLink({
      url,
      transformer,
      connectionParams: { protocol: String(PROTOCOL_VERSION) },
    }),
    false: httpBatchStreamLink({
      url,
      transformer,
      headers: { "x-rewind-protocol": String(PROTOCOL_VERSION) },
    }),
  });
}

export interface ServerLinkOptions {
  force?: Transport;
  onTransport?: (transport: Transport) => void;
  /** The board whose calls this connection carries: its socket is `/api/trpc?board=<id>`. */
  board?: string;
}

/**
 * The page's link to the server: one WebSocket for everything (queries, mutations and
 * subscriptions) while it can be opened, reconnecting with backoff and jitter and resuming
 * subscriptions from their last event id; HTTP and server-sent events when no socket can be
 * opened (a proxy that refuses upgrades) or when `NEXT_PUBLIC_TRANSPORT=sse`. Which one is
 * decided once, by the first attempt to open a socket; calls made meanwhile wait for it.
 */
export function serverLink(
  origin: string,
  options: ServerLinkOptions = {},
): { link: TRPCLink<AppRouter>; close(): void } {
  const url = `${origin}/api/trpc`;
  const http = httpLinks(url);
  if (options.force === "sse" || typeof WebSocket === "undefined") {
    options.onTransport?.("sse");
    return { link: http, close: () => {} };
  }
  let decide: (transport: Transport) => void = () => {};
  const chosen = new Promise<Transport>((resolve) => {
    decide = (transport) => {
      resolve(transport);
      options.onTransport?.(transport);
    };
  });
  let opened = false;
  let closed = false;
  const { client, link: socket } = socketLink<AppRouter>({
    // A board's socket names the board (`?board=<id>`), so a balancer can send every socket of a
    // board to the same instance (deploy/haproxy.cfg: balance url_param board).
    url: `${url.replace(/^http/, "ws")}${options.board ? `?board=${encodeURIComponent(options.board)}` : ""}`,
    connectionParams: { protocol: String(PROTOCOL_VERSION) },
    retryDelayMs: reconnectDelay,
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
    onOpen() {
      opened = true;
      decide("websocket");
    },
    onClose() {
      // Reconnects on its own, resuming subscriptions. (A socket closed because its session
      // ended comes back unauthenticated: the page's next call is refused and it asks to sign in.)
      if (opened || closed) return;
      decide("sse");
      void client.close();
    },
  });
  setTimeout(() => {
    if (opened || closed) return;
    decide("sse");
    void client.close();
  }, OPEN_TIMEOUT_MS);
  const link: TRPCLink<AppRouter> = (runtime) => {
    const links = { websocket: socket(runtime), sse: http(runtime) };
    return ({ op, next }) =>
      observable((observer) => {
        let subscription: { unsubscribe(): void } | null = null;
        let cancelled = false;
        void chosen.then((transport) => {
          if (cancelled) return;
          subscription = links[transport]({ op, next }).subscribe(observer);
        });
        return () => {
          cancelled = true;
          subscription?.unsubscribe();
        };
      });
  };
  return {
    link,
    close() {
      closed = true;
      void client.close();
    },
  };
}

/**
 * A link that opens its connection (`serverLink`) only when the first call is made: a page that
 * makes no call of its own opens no socket (a board page's calls go on the board's socket).
 */
export function lazyLink(open: () => { link: TRPCLink<AppRouter> }): TRPCLink<AppRouter> {
  return (runtime) => {
    let operation: ReturnType<TRPCLink<AppRouter>> | null = null;
    return (op) => {
      operation ??= open().link(runtime);
      return operation(op);
    };
  };
}

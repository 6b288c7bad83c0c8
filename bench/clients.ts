import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";
import type { AppRouter } from "../src/server/api/root";
import { PROTOCOL_VERSION } from "../src/sync";
import { socketClient } from "../test/socket";

export type Api = TRPCClient<AppRouter>;
export type Transport = "websocket" | "http";

/** The floor of an HTTP round trip to the server: `/api/health`'s p50 over 200 sequential calls. */
export async function healthFloor(url: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    await (await fetch(`${url}/api/health`)).arrayBuffer();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[100] as number;
}

/** Signs a new account up over HTTP; returns its email and session cookie. */
export async function signUpAccount(url: string, name: string) {
  const email = `${name}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const response = await fetch(`${url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ name, email, password: "bench password" }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  return { email, cookie };
}

/** Signs a new account up over HTTP and returns its session cookie. */
export async function signUp(url: string, name: string): Promise<string> {
  return (await signUpAccount(url, name)).cookie;
}

/**
 * A tRPC client as a page would have one: one WebSocket for everything, or HTTP (one request per
 * call, no batching) with server-sent events for subscriptions. Both send the session cookie.
 */
export function apiClient(url: string, cookie: string, transport: Transport, board?: string) {
  if (transport === "websocket") {
    // A board page's socket names its board (a balancer hashes on it: deploy/haproxy.cfg).
    const query = board ? `?board=${encodeURIComponent(board)}` : "";
    const { client: api, close } = socketClient(
      `${url.replace(/^http/, "ws")}/api/trpc${query}`,
      cookie,
    );
    return { api, close };
  }
  const withCookie: typeof fetch = (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as object), cookie } });
  class CookieEventSource extends EventSource {
    constructor(address: string | URL, init?: EventSourceInit) {
      super(address, { ...init, fetch: withCookie });
    }
  }
  const api: Api = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: `${url}/api/trpc`,
          transformer: superjson,
          EventSource: CookieEventSource as unknown as typeof globalThis.EventSource,
        }),
        false: httpLink({
          url: `${url}/api/trpc`,
          transformer: superjson,
          headers: { cookie, "x-rewind-protocol": String(PROTOCOL_VERSION) },
        }),
      }),
    ],
  });
  return { api, close: async () => {} };
}

/**
 * A new board owned by the client's account, with one list `l` holding an empty item for each of
 * `itemIds` (each writer of a bench edits its own). Returns the board's id and version.
 */
export async function createBoardWithItems(api: Api, title: string, itemIds: string[]) {
  const { id } = await api.board.create.mutate({ title });
  const { version } = await api.sync.flush.mutate({
    boardId: id,
    clientId: `setup-${id}`,
    batchSeq: 1,
    from: 0,
    commands: [
      { action: "create", path: ["lists"], createdId: "l", props: { title: "L" } },
      ...itemIds.map((itemId) => ({
        action: "create" as const,
        path: ["lists", "l", "items"],
        createdId: itemId,
        props: { text: "", done: false },
      })),
    ],
  });
  return { boardId: id, version };
}

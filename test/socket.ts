import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTRPCClient, type TRPCClient } from "@trpc/client";
import { WebSocket, WebSocketServer } from "ws";
import type { AppRouter } from "@/server/api/root";
import { appRouter } from "@/server/api/root";
import type { AuthSession } from "@/server/auth";
import { SessionCache, sessionCookie } from "@/server/auth/SessionCache";
import type { Database } from "@/server/db";
import { httpContext, isTRPCRequest, serveTRPCOverHttp } from "@/server/http/http-handler";
import { wsContext } from "@/server/http/ws-context";
import { serveTRPC } from "@/server/http/ws-handler";
import type { Services } from "@/server/services";
import { PROTOCOL_VERSION } from "@/sync";
import { socketLink } from "@/trpc/direct-calls";
import type { TestUser } from "./api";

/** A session cookie for `user`, backed by a real session row (what sign-in would have made). */
export async function signedIn(db: Database, user: TestUser): Promise<string> {
  const token = randomBytes(24).toString("base64url");
  await db.prisma.session.create({
    data: {
      id: `s-${token}`,
      token,
      userId: user.id,
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  return `better-auth.session_token=${token}`;
}

/** Signs the session of this cookie out (its row goes, as better-auth's sign-out does). */
export async function signOut(db: Database, cookie: string): Promise<void> {
  await db.prisma.session.deleteMany({ where: { token: cookie.split("=")[1] } });
}

/**
 * Sessions as better-auth would verify them, minus the cookie signature: the cookie holds the
 * session token itself, looked up with its user. (Signed cookies are covered by the e2e tests.)
 */
function verifyByToken(db: Database) {
  return async (headers: Headers): Promise<AuthSession | null> => {
    const token = sessionCookie(headers);
    if (!token) return null;
    const row = await db.prisma.session.findUnique({ where: { token }, include: { user: true } });
    if (!row || row.expiresAt.getTime() <= Date.now()) return null;
    const { user, ...session } = row;
    return { session, user } as AuthSession;
  };
}

export interface SocketServer {
  /** The WebSocket's URL. */
  url: string;
  /** The same router over HTTP and server-sent events (`<httpUrl>/<procedure>`). */
  httpUrl: string;
  sessions: SessionCache;
  server: Server;
  close(): Promise<void>;
}

/**
 * A real server on a free port serving the app router on `services` as production does: over a
 * WebSocket and over HTTP (tRPC's Node adapter, src/server/http/http-handler.ts).
 */
export async function startSocketServer(
  services: Services,
  { port = 0 }: { port?: number } = {},
): Promise<SocketServer> {
  const sessions = new SessionCache(verifyByToken(services.db), services.db.prisma, {
    watchEveryMs: 1000, // as in production
  });
  const wss = new WebSocketServer({ noServer: true });
  const handler = serveTRPC(wss, wsContext(services, sessions));
  const http = serveTRPCOverHttp(httpContext(services, sessions));
  const server = createServer((req, res) => {
    if (isTRPCRequest(req.url)) http(req, res);
    else res.writeHead(404).end();
  });
  server.on("upgrade", (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req)),
  );
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${address.port}/api/trpc`,
    httpUrl: `http://127.0.0.1:${address.port}/api/trpc`,
    sessions,
    server,
    async close() {
      handler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      wss.close();
      sessions.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A tRPC client over one WebSocket, sending `cookie` with the upgrade as a browser would. */
export function socketClient(url: string, cookie: string | null, protocol = PROTOCOL_VERSION) {
  class CookieSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: cookie ? { cookie } : {} });
    }
  }
  // The page's link (src/trpc/direct-calls.ts), so what tests and benches measure is the page's.
  const { client: wsClient, link } = socketLink<AppRouter>({
    url,
    WebSocket: CookieSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { protocol: String(protocol) },
    retryDelayMs: () => 100,
  });
  const client: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({ links: [link] });
  return { client, close: () => wsClient.close() };
}

type Kind = "query" | "mutation" | "subscription";

function kindOf(path: string): Kind {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: Kind } }
  >;
  const procedure = procedures[path];
  if (!procedure) throw new Error(`No procedure ${path}`);
  return procedure._def.type;
}

/**
 * `client` shaped like an in-process caller (`caller.sync.flush(input)`), so a suite written
 * against callers runs over the socket unchanged. Subscriptions resolve to an async iterable of
 * `[id, data]` (what a caller yields for tracked events), ended by `signal`.
 */
export function callerShaped(
  client: () => Promise<TRPCClient<AppRouter>>,
  options: { signal?: AbortSignal } = {},
): unknown {
  const at = (path: string[]): unknown =>
    new Proxy(() => undefined, {
      get: (_target, key) => (typeof key === "string" ? at([...path, key]) : undefined),
      apply: async (_target, _this, [input]: unknown[]) => {
        const name = path.join(".");
        let node = (await client()) as unknown as Record<string, unknown>;
        for (const key of path) node = node[key] as Record<string, unknown>;
        const call = node as unknown as Record<string, (...args: unknown[]) => unknown>;
        const kind = kindOf(name);
        if (kind === "query") return call.query?.(input);
        if (kind === "mutation") return call.mutate?.(input);
        return subscriptionIterable(call, input, options.signal);
      },
    });
  return at([]);
}

function subscriptionIterable(
  call: Record<string, (...args: unknown[]) => unknown>,
  input: unknown,
  signal: AbortSignal | undefined,
): AsyncIterable<unknown> {
  const queue: unknown[] = [];
  let failure: unknown = null;
  let done = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const subscription = call.subscribe?.(input, {
    onData: (event: { id?: string; data?: unknown }) => {
      queue.push(
        event && typeof event === "object" && "id" in event ? [event.id, event.data] : event,
      );
      notify();
    },
    onError: (error: unknown) => {
      failure = error;
      notify();
    },
    onComplete: () => {
      done = true;
      notify();
    },
  }) as { unsubscribe(): void };
  signal?.addEventListener("abort", () => {
    subscription.unsubscribe();
    done = true;
    notify();
  });
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          if (queue.length > 0) {
            yield queue.shift();
            continue;
          }
          if (failure) throw failure;
          if (done) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        subscription.unsubscribe();
      }
    },
  };
}

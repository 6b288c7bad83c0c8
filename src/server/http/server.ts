import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { toNodeHandler } from "better-auth/node";
import next from "next";
import { WebSocketServer } from "ws";
import { API_LIMITS } from "../api/inputs";
import type { ProcessAuth } from "../auth";
import { metrics } from "../observability/metrics";
import type { Services } from "../services";
import { httpContext, isTRPCRequest, serveTRPCOverHttp, TRPC_PATH } from "./http-handler";
import { serveHealth, serveMetrics } from "./operations";
import { changesSomething, type OriginPolicy, refuseRequest, refuseUpgrade } from "./origins";
import { serveServiceWorker } from "./service-worker";
import { wsContext } from "./ws-context";
import { serveTRPC } from "./ws-handler";

export interface RewindServerOptions {
  dev: boolean;
  port: number;
  hostname?: string;
  /** The process's services, built once (main.ts) and handed to every handler. */
  services: Services;
  auth: ProcessAuth;
  /** The bearer token /api/metrics asks for (METRICS_TOKEN); unset, metrics are not served. */
  metricsToken?: string;
  /** The pages that may open a socket or call a mutation (BETTER_AUTH_URL, ALLOWED_ORIGINS). */
  origins: OriginPolicy;
}

export interface RewindServer {
  server: Server;
  /** Clients connected over a WebSocket right now. */
  sockets(): number;
  /**
   * Stops accepting, tells socket clients to reconnect, cuts event streams (their clients
   * reconnect), and waits up to 10 s for the requests in progress to be answered.
   */
  close(): Promise<void>;
}

/**
 * Next.js behind a Node HTTP server that answers the API itself: /api/trpc (the tRPC router over
 * HTTP, server-sent events and WebSocket upgrades), /api/auth (better-auth), /api/health and
 * /api/metrics, all on the services it is handed. Every other request and upgrade (pages, Next's
 * development reload socket) goes to Next.
 */
export async function startRewindServer(options: RewindServerOptions): Promise<RewindServer> {
  const app = next({ dev: options.dev, hostname: options.hostname, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const nextUpgrade = app.getUpgradeHandler();

  // A message over the request limit closes the socket (1009), as a body over it is refused.
  const wss = new WebSocketServer({ noServer: true, maxPayload: API_LIMITS.requestBytes });
  const { services, auth, origins } = options;
  const trpc = serveTRPC(wss, wsContext(services, auth.sessions));
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => unknown> = {
    "/api/health": serveHealth(services.db),
    "/api/metrics": serveMetrics(options.metricsToken),
    "/sw.js": serveServiceWorker(),
  };
  const trpcHttp = serveTRPCOverHttp(httpContext(services, auth.sessions));
  const betterAuth = toNodeHandler(auth.auth);
  // better-auth limits sign-in attempts per client address, read from x-forwarded-for: a
  // balancer in front sets it; a direct connection gets its own address, as Next gave it.
  const authHttp = (req: IncomingMessage, res: ServerResponse) => {
    req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;
    return betterAuth(req, res);
  };

  // Requests in progress: on shutdown, event streams are cut at once (EventSource reconnects,
  // from its last event id, to whichever instance answers) and the others are let finish.
  const streams = new Set<ServerResponse>();
  const requests = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const set = req.headers.accept?.includes("text/event-stream") ? streams : requests;
    set.add(res);
    res.once("close", () => set.delete(res));
    const pathname = (req.url ?? "/").split("?", 1)[0] as string;
    const route = routes[pathname];
    if (isTRPCRequest(req.url)) {
      if (changesSomething(req) && !origins.allows(req)) refuseRequest(res);
      else trpcHttp(req, res);
    } else if (route) void route(req, res);
    else if (pathname.startsWith("/api/auth/")) void authHttp(req, res);
    else void handle(req, res);
  });
  // Other instances' sockets (`?peer`, http/peer-client.ts), counted apart from people's.
  const peerSockets = new WeakSet<object>();
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname, searchParams } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === TRPC_PATH) {
      if (!origins.allows(req)) {
        refuseUpgrade(socket);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (searchParams.has("peer")) peerSockets.add(ws);
        wss.emit("connection", ws, req);
      });
    } else {
      void nextUpgrade(req, socket, head);
    }
  });
  metrics.sources.sockets = () => {
    let peers = 0;
    for (const ws of wss.clients) if (peerSockets.has(ws)) peers += 1;
    return { people: wss.clients.size - peers, peers };
  };
  metrics.sources.streams = () => streams.size;
  // A balancer keeps idle connections to the server and reuses them: the server must keep them
  // open longer than the balancer does, or a request sent as the server closes one is lost (a
  // 502 from HAProxy). Node's default is 5 s.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));

  return {
    server,
    sockets: () => wss.clients.size,
    async close() {
      // Stop taking connections; tell socket clients to reconnect (tRPC's reconnect message,
      // then "service restart"); cut event streams; let requests in progress finish.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      trpc.broadcastReconnectNotification();
      for (const socket of wss.clients) socket.close(1012, "Server restarting");
      wss.close();
      for (const stream of streams) stream.destroy();
      server.closeIdleConnections();
      const deadline = Date.now() + 10_000;
      while (requests.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

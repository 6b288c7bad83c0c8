import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/**
 * Which pages may open a socket or change something over HTTP: the app's own. A browser names the
 * page a request comes from in `Origin`; another site's page (`http://evil.example`) holding a
 * person's cookie is refused, whatever SameSite allows. A request with no `Origin` (a server-side
 * client, a script) is left to the session check, as before.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  /**
   * `appUrl`: the app's public URL (BETTER_AUTH_URL); `extra`: more origins it is served from
   * (ALLOWED_ORIGINS). Without `appUrl` (local use), the page's origin must be the host the
   * request was sent to.
   */
  constructor(
    private readonly appUrl: string | undefined,
    extra: readonly string[] = [],
  ) {
    this.allowed = new Set([appUrl, ...extra].flatMap((url) => (url ? [new URL(url).origin] : [])));
  }

  allows(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.allowed.has(origin)) return true;
    if (this.appUrl !== undefined) return false;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false; // "null" (a sandboxed frame, a file) or garbage
    }
  }

  /** The origins listed, for the log line at start. */
  origins(): string[] {
    return [...this.allowed];
  }
}

const REFUSAL = "Forbidden: this page's origin may not use Rewind's API";

/** Answers a refused HTTP request: 403, and a line saying why. */
export function refuseRequest(res: ServerResponse): void {
  res.writeHead(403, { "content-type": "text/plain; charset=utf-8" }).end(REFUSAL);
}

/** Answers a refused WebSocket upgrade: 403 on the raw socket, which is then closed. */
export function refuseUpgrade(socket: Duplex): void {
  socket.end(
    `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(REFUSAL)}\r\nConnection: close\r\n\r\n${REFUSAL}`,
  );
}

/** Whether an HTTP request may change something: tRPC sends mutations as POST. */
export function changesSomething(req: IncomingMessage): boolean {
  return req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS";
}

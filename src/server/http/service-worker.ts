import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/**
 * /sw.js: the service worker `npm run build` wrote (dist/sw.js), read once. Never cached by the
 * browser's HTTP cache (a new build's worker must be seen at the next visit). 404 without a
 * build (development).
 */
export function serveServiceWorker(file = path.resolve("dist/sw.js")) {
  let body: Promise<Buffer | null> | null = null;
  return async (_req: IncomingMessage, res: ServerResponse) => {
    body ??= readFile(file).catch(() => null);
    const script = await body;
    if (!script) {
      res.writeHead(404, { "content-type": "text/plain" }).end("No service worker in development");
      return;
    }
    res
      .writeHead(200, {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "no-cache",
        "service-worker-allowed": "/",
      })
      .end(script);
  };
}

import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../db";
import { log } from "../observability/log";
import { metrics } from "../observability/metrics";

/** `/api/health`: liveness and a database check, `{ ok: true, db: "pglite" | "postgresql" }`. */
export function serveHealth(db: Database) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await db.prisma.$queryRaw`SELECT 1`;
      answerJson(res, 200, { ok: true, db: db.kind });
    } catch (error) {
      log.error({ err: error }, "health check failed");
      answerJson(res, 503, { ok: false, error: "Database unavailable" });
    }
  };
}

/**
 * `/api/metrics`: this instance's Prometheus metrics (text format), for a scraper that sends
 * `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). Without METRICS_TOKEN the metrics are
 * not served at all (404): they name boards' and clients' activity, nothing for the public.
 */
export function serveMetrics(token: string | undefined) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!expected) {
      answerJson(res, 404, { error: "Metrics are off: set METRICS_TOKEN to serve them" });
      return;
    }
    const given = Buffer.from(req.headers.authorization ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.setHeader("www-authenticate", 'Bearer realm="metrics"');
      answerJson(res, 401, { error: "Authorization: Bearer <METRICS_TOKEN> required" });
      return;
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, {
      "content-type": metrics.registry.contentType,
      "cache-control": "no-store",
    });
    res.end(body);
  };
}

function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

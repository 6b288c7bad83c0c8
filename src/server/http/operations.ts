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

/** `/api/metrics`: this instance's Prometheus metrics (text format). */
export async function serveMetrics(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await metrics.registry.metrics();
  res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
  res.end(body);
}

function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

import { getDatabase } from "@/server/db";
import { log } from "@/server/observability/log";

export const dynamic = "force-dynamic";

/** Liveness and database check: `{ ok: true, db: "pglite" | "postgresql" }`. */
export async function GET() {
  try {
    const database = await getDatabase();
    await database.prisma.$queryRaw`SELECT 1`;
    return Response.json({ ok: true, db: database.kind });
  } catch (error) {
    log.error({ err: error }, "health check failed");
    return Response.json({ ok: false, error: "Database unavailable" }, { status: 503 });
  }
}

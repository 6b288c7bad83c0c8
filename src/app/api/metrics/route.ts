import { metrics } from "@/server/observability/metrics";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

/** Prometheus metrics of this instance (text format): flushes, groups, clients, boards, refusals. */
export async function GET() {
  await getServices(); // the board server's gauges read from it
  return new Response(await metrics.registry.metrics(), {
    headers: { "content-type": metrics.registry.contentType },
  });
}

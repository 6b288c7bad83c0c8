// npm run profile:wire — where a production server spends its CPU under the 50-writer WebSocket
// load of bench:wire (or, with `fanout`, 1 writer and 50 subscribers): runs it with
// `node --cpu-prof`, then prints the top functions by self time.
// Usage: npm run build && npm run profile:wire [-- postgresql] [fanout]   (PostgreSQL needs its binaries)
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";
import { startServer } from "../test/server-process";
import { signUp } from "./clients";
import { fanOut, saturation } from "./wire.bench";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function (name and place), summed over the samples of a V8 CPU profile taken
 * between `from` and `to` (microseconds of the system's monotonic clock).
 */
export function topSelfTime(profile: Profile, window: { from: bigint; to: bigint }, count = 10) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < Number(window.from) || at > Number(window.to)) return;
    const frame = byId.get(id)?.callFrame;
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    total += delta;
    if (!frame) return;
    const where = frame.url
      ? `${frame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/src\//, "src/")}:${frame.lineNumber + 1}`
      : "";
    const key = `${frame.functionName || "(anonymous)"} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  return { total, rows };
}

async function main() {
  const kind = process.argv.includes("postgresql") ? "postgresql" : "pglite";
  const phase = process.argv.includes("fanout") ? "fanout" : "saturation";
  const dir = path.resolve(".data/profile");
  rmSync(dir, { recursive: true, force: true });
  let env: Record<string, string> = {};
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>> | null = null;
  if (kind === "postgresql") {
    const bin = findPostgresBin();
    if (!bin) throw new Error("No PostgreSQL binaries installed");
    cluster = await startPostgresCluster(bin);
    const { createPostgresDatabase } = await import("../test/databases");
    env = { DATABASE_URL: await createPostgresDatabase(cluster.url) };
  }
  const server = await startServer({
    port: 3240,
    dataDir: ".data/profile-server",
    env,
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
  });
  let window = { from: 0n, to: 0n };
  try {
    const cookie = await signUp(server.url, "profile");
    if (phase === "fanout") {
      const from = process.hrtime.bigint() / 1000n;
      const cpu = server.cpuMs();
      const latencies = await fanOut(server.url, cookie, "websocket");
      window = { from, to: process.hrtime.bigint() / 1000n };
      console.log(
        `${kind}: 1 writer → 50 subscribers, ${latencies.length} events, server CPU ${(server.cpuMs() - cpu).toFixed(0)} ms`,
      );
    } else {
      const load = await saturation(server, cookie, "websocket");
      window = load.window;
      console.log(
        `${kind}: ${load.flushes} flushes, ${Math.round(load.rate)} edits/s, server CPU ${load.cpuPerFlush.toFixed(2)} ms per flush`,
      );
    }
  } finally {
    await server.stop();
    cluster?.stop();
  }
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error("no profile written");
  const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  const { total, rows } = topSelfTime(profile, window, Number(process.env.TOP ?? 10));
  console.log(
    `Top functions by self time, during the load (${(total / 1000).toFixed(1)} s sampled):`,
  );
  for (const [name, msSelf] of rows) {
    console.log(
      `  ${((100 * msSelf) / total).toFixed(1).padStart(5)} %  ${msSelf.toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

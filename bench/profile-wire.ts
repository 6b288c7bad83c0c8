// npm run profile:wire — where a production server spends its CPU under the 50-writer WebSocket
// load of bench:wire (with `fanout`, 1 writer and 50 subscribers; with `empty`, 5,000 empty flushes
// one after another: the cost of a flush bare): runs it with `node --cpu-prof`, then prints the
// top functions by self time.
// Usage: npm run build && npm run profile:wire [-- postgresql] [fanout|empty]   (PostgreSQL needs its binaries)
import { rmSync } from "node:fs";
import path from "node:path";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";
import { startServer } from "../test/server-process";
import { signUp } from "./clients";
import { printTopSelfTime } from "./profile";
import { runBench } from "./stats";
import { emptyFlushRoundTrip, fanOut, saturation } from "./wire.bench";

async function main() {
  const kind = process.argv.includes("postgresql") ? "postgresql" : "pglite";
  const phase = process.argv.includes("fanout")
    ? "fanout"
    : process.argv.includes("empty")
      ? "empty"
      : "saturation";
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
    } else if (phase === "empty") {
      const from = process.hrtime.bigint() / 1000n;
      const cpu = server.cpuMs();
      const { first, warm } = await emptyFlushRoundTrip(server.url, cookie, 5_000);
      const samples = [...first, ...warm];
      window = { from, to: process.hrtime.bigint() / 1000n };
      const ms = (server.cpuMs() - cpu) / samples.length;
      console.log(`${kind}: ${samples.length} empty flushes, server CPU ${ms.toFixed(3)} ms each`);
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
  printTopSelfTime(dir, window);
}

runBench(main);

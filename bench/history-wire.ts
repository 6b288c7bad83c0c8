// The history reads as people meet them: a production server (`npm start`) in its own process, on
// PGlite and on a throwaway PostgreSQL (when installed), seeded through its API with the 100,000-
// command board of history-seed.ts, and read by a Node client over a WebSocket (as a page does):
// one item's history, the first page of Recently deleted, and version 1,000 compared with the
// head, each p50/p95 beside the /api/health round trip (the floor, same run) and with the server's
// own CPU time per read. Part of `npm run bench:history`; needs `npm run build`. HISTORY_PROFILE=1
// runs the server under `node --cpu-prof` and prints its top functions by self time per read.
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";
import { startServer } from "../test/server-process";
import { type Api, apiClient, signUp } from "./clients";
import { COMMANDS, FOCUS, FOCUS_TOUCHES, historyFlushes } from "./history-seed";
import { printTopSelfTime } from "./profile";
import { percentile, timed } from "./stats";

const PORT = 3290;
const SAMPLES = 100;
const TARGETS = { item: 20, deleted: 20, compare: 50 };
const PROFILE = process.env.HISTORY_PROFILE === "1";
const PROFILE_DIR = path.resolve(".data/profile-history");

async function seedOverTheWire(api: Api): Promise<{ boardId: string; head: number }> {
  const { id: boardId } = await api.board.create.mutate({ title: "History over the wire" });
  let version = 0;
  let batchSeq = 0;
  for (const commands of historyFlushes(COMMANDS)) {
    batchSeq += 1;
    const answer = await api.sync.flush.mutate({
      boardId,
      clientId: "seed",
      batchSeq,
      from: version,
      commands,
    });
    if (answer.errors.length > 0) throw new Error(`seed: ${answer.errors[0]?.message}`);
    version = answer.version;
  }
  return { boardId, head: version };
}

async function benchServer(label: string, env: Record<string, string>) {
  if (PROFILE) rmSync(PROFILE_DIR, { recursive: true, force: true });
  const nodeArgs = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const server = await startServer({
    port: PORT,
    dataDir: ".data/bench-history-wire",
    env,
    nodeArgs,
  });
  const windows: [string, { from: bigint; to: bigint }][] = [];
  const cookie = await signUp(server.url, "history");
  const { api, close } = apiClient(server.url, cookie, "websocket");
  try {
    const seeding = performance.now();
    const { boardId, head } = await seedOverTheWire(api);
    console.log(
      `\n${label}, production server over a WebSocket: board with ${head.toLocaleString("en-US")} commands (seeded through the API in ${((performance.now() - seeding) / 1000).toFixed(1)} s)`,
    );
    const health = await timed(SAMPLES, () =>
      fetch(`${server.url}/api/health`).then((r) => r.text()),
    );
    console.log(
      `  /api/health round trip (the floor)                            p50 ${percentile(health, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(health, 95).toFixed(1).padStart(6)} ms`,
    );
    const reads: [string, number, () => Promise<unknown>][] = [
      [
        `history of an item touched ${FOCUS_TOUCHES} times`,
        TARGETS.item,
        async () => {
          const page = await api.history.list.query({ boardId, itemId: FOCUS, limit: 100 });
          if (page.entries.length !== FOCUS_TOUCHES) throw new Error("item history: wrong count");
        },
      ],
      [
        "Recently deleted, first page of 30",
        TARGETS.deleted,
        () => api.history.deleted.query({ boardId, limit: 30 }),
      ],
      [
        "compare version 1,000 with the head",
        TARGETS.compare,
        () => api.history.compare.query({ boardId, from: 1_000, to: head }),
      ],
    ];
    for (const [name, target, read] of reads) {
      await timed(10, read); // warm
      const cpuBefore = server.cpuMs();
      const from = process.hrtime.bigint() / 1000n;
      const samples = await timed(SAMPLES, read);
      windows.push([name, { from, to: process.hrtime.bigint() / 1000n }]);
      const cpu = (server.cpuMs() - cpuBefore) / SAMPLES;
      const p95 = percentile(samples, 95);
      console.log(
        `  ${p95 < target ? "✓" : "✗"} ${name.padEnd(58)} p50 ${percentile(samples, 50).toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms   server CPU ${cpu.toFixed(1)} ms/read   target p95 < ${target} ms`,
      );
    }
  } finally {
    await close();
    await server.stop();
  }
  for (const [name, window] of PROFILE ? windows : []) {
    console.log(`\n  ${label}, ${name}:`);
    printTopSelfTime(PROFILE_DIR, window);
  }
}

/** The front-door part of bench:history, on each database. */
export async function benchHistoryWire() {
  if (!existsSync(".next/BUILD_ID")) {
    console.log("\nOver the wire: skipped (run `npm run build` first)");
    return;
  }
  await benchServer("PGlite (embedded)", {});
  const bin = findPostgresBin();
  if (!bin && !process.env.TEST_DATABASE_URL) return;
  const cluster = process.env.TEST_DATABASE_URL ? null : await startPostgresCluster(bin as string);
  try {
    const { createPostgresDatabase } = await import("../test/databases");
    const admin = process.env.TEST_DATABASE_URL ?? (cluster?.url as string);
    await benchServer("PostgreSQL", { DATABASE_URL: await createPostgresDatabase(admin) });
  } finally {
    cluster?.stop();
  }
}

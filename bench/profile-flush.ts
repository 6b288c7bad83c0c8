// npm run profile:flush [-- N] — the cost floor of a flush: a production server (PGlite, or
// PostgreSQL with DATABASE_URL set) under `node --cpu-prof`, one WebSocket client sending 2,000
// empty sync.flush calls one after another (with N: N-command flushes, e.g. 1, or 100 as a paste
// or a script sends), then the round trip p50,
// the server's CPU time per flush (from /proc) and its top functions by self time.
// Needs `npm run build`.
import { rmSync } from "node:fs";
import path from "node:path";
import { startServer } from "../test/server-process";
import { apiClient, signUp } from "./clients";
import { printTopSelfTime } from "./profile";
import { median } from "./stats";
import { newBoard } from "./wire.bench";

const dir = path.resolve(".data/profile-empty");
rmSync(dir, { recursive: true, force: true });
const server = await startServer({
  port: 3250,
  dataDir: ".data/profile-flush-server",
  env: process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {},
  nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
});
const cookie = await signUp(server.url, "p");
const { api, close } = apiClient(server.url, cookie, "websocket");
const boardId = await newBoard(api);
const { version } = await api.sync.load.query({ boardId });
const size = Number(process.argv[2] ?? 0);
const commands = (i: number) =>
  Array.from({ length: size }, (_, c) => ({
    action: "update" as const,
    path: ["lists", "l", "items", "i0"],
    props: { text: `e${i}.${c}` },
  }));
let from = version;
const flush = async (i: number) => {
  const answer = await api.sync.flush.mutate({
    boardId,
    clientId: "e",
    // An empty flush goes as a page's catch-up does (F8: batchSeq 0, nothing recorded).
    batchSeq: size > 0 ? i : 0,
    from,
    commands: commands(i),
  });
  from = answer.version;
};
for (let i = 1; i <= 200; i++) await flush(i);
const start = process.hrtime.bigint() / 1000n;
const cpu0 = server.cpuMs();
const samples: number[] = [];
for (let i = 201; i <= 2200; i++) {
  const t = performance.now();
  await flush(i);
  samples.push(performance.now() - t);
}
const cpu = (server.cpuMs() - cpu0) / 2000;
const to = process.hrtime.bigint() / 1000n;
console.log(
  `${size > 0 ? `${size}-command` : "empty"} flush p50 ${median(samples).toFixed(2)} ms, server CPU per flush ${cpu.toFixed(3)} ms`,
);
await close();
await server.stop();
printTopSelfTime(dir, { from: start, to });

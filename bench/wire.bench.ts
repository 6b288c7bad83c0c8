// npm run bench:wire — Rewind through its front door: a production server (`npm start`) in its own
// process, on PGlite and on a throwaway PostgreSQL (when installed), driven by Node clients over a
// WebSocket and over HTTP + server-sent events in the same run. Needs `npm run build`.
//
// For each database and transport: the 1-command flush round trip on an idle server (p50/p99),
// the server's own CPU time per flush and the edits/s with 50 writers at one edit per round trip,
// and edit → event for 1 writer and 50 subscribers (p50/p99); for each database the /api/health
// round trip (the floor, measured in the same run) and the server's RSS, idle and after.
// The throwaway PostgreSQL skips flushing commits to disk, as the test clusters do;
// BENCH_PG_DURABLE=1 runs it with PostgreSQL's defaults (each commit flushed), and
// WIRE_DATABASES=postgresql runs one database only.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { WebSocket } from "ws";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";
import { type ServerProcess, startServer } from "../test/server-process";
import { BIG_ITEMS, bigBoardCommands, countCards, seed } from "./big-board";
import {
  type Api,
  apiClient,
  createBoardWithItems,
  healthFloor,
  signUp,
  type Transport,
} from "./clients";
import { median, percentile, runBench, timed } from "./stats";

const PORT = 3230;
const WRITERS = 50;
const SUBSCRIBERS = 50;
const IDLE_FLUSHES = 300;
/** Flushes before the idle round trip is measured: the server's write path warms up. */
const WARM_FLUSHES = 500;
const SATURATION_MS = 10_000;
const FAN_OUT_EDITS = 300;
/** Edits sent first and not timed: the new board's first edits load it and start its streams. */
const FAN_OUT_WARM_EDITS = 10;
const ECHO_PORT = 3231;

/** Issue 21's cost floor of a flush (round trip, server CPU, fan-out p50 / p99), per database. */
const TARGETS = {
  pglite: { wsRtt: 2.5, wsCpu: 0.5, wsRate: 600, fan50: 3, fan99: 10 },
  postgresql: { wsRtt: 1.5, wsCpu: 0.3, wsRate: 1_500, fan50: 2.5, fan99: 8 },
} as const;

type Kind = keyof typeof TARGETS;

const ms = (value: number) => `${value.toFixed(1)} ms`;
/** Sub-millisecond figures (the floors), to the hundredth. */
const ms2 = (value: number) => `${value.toFixed(2)} ms`;
const mark = (ok: boolean) => (ok ? "✓" : "✗");

function row(name: string, value: string, note = "") {
  console.log(`  ${name.padEnd(50)} ${value.padEnd(22)} ${note}`);
}

const ITEMS = 100;

/** A board with one list of ITEMS items, owned by the cookie's account. */
export async function newBoard(api: Api): Promise<string> {
  const ids = Array.from({ length: ITEMS }, (_, i) => `i${i}`);
  return (await createBoardWithItems(api, "Wire bench", ids)).boardId;
}

/** One writer: flushes one edit per round trip, like a page whose flush answers arrive. */
export function writer(api: Api, boardId: string, name: string) {
  let batchSeq = 0;
  let from = 0;
  let n = 0;
  return {
    async start() {
      from = (await api.sync.load.query({ boardId })).version;
    },
    async edit() {
      n += 1;
      batchSeq += 1;
      const answer = await api.sync.flush.mutate({
        boardId,
        clientId: name,
        batchSeq,
        from,
        commands: [
          {
            action: "update",
            path: ["lists", "l", "items", `i${n % ITEMS}`],
            props: { text: `${name} edit ${n}`, done: n % 2 === 0 },
          },
        ],
      });
      if (answer.errors.length > 0) throw new Error(answer.errors[0]?.message);
      from = answer.version;
      return answer.version;
    },
  };
}

/**
 * The floor of a WebSocket round trip on this machine: a raw `ws` echo server in its own process,
 * and 300 sequential messages (the size of a small flush) from this one. Median, in ms.
 */
async function wsEchoFloor(): Promise<number> {
  const server = spawn(
    process.execPath,
    [
      "-e",
      `const { WebSocketServer } = require("ws");
       const wss = new WebSocketServer({ port: ${ECHO_PORT} }, () => console.log("ready"));
       wss.on("connection", (ws) => ws.on("message", (data) => ws.send(data.toString())));`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    await new Promise<void>((resolve) => server.stdout?.once("data", () => resolve()));
    const socket = new WebSocket(`ws://127.0.0.1:${ECHO_PORT}`);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const message = JSON.stringify({ id: 1, method: "mutation", params: { path: "sync.flush" } });
    const samples: number[] = [];
    for (let i = 0; i < 320; i++) {
      const start = performance.now();
      await new Promise<void>((resolve) => {
        socket.once("message", () => resolve());
        socket.send(message);
      });
      if (i >= 20) samples.push(performance.now() - start);
    }
    socket.close();
    return median(samples);
  } finally {
    server.kill();
  }
}

/**
 * An empty `sync.flush` over a WebSocket, sequential: what a flush costs bare. It is what a page
 * sends to catch up (F8: batchSeq 0, no commands), so nothing is written. Timed as the 1-command
 * flush is: the first WARM_FLUSHES after the server started (`first`), then `flushes` more
 * (`warm`).
 */
export async function emptyFlushRoundTrip(url: string, cookie: string, flushes = IDLE_FLUSHES) {
  const { api, close } = apiClient(url, cookie, "websocket");
  const boardId = await newBoard(api);
  const { version } = await api.sync.load.query({ boardId });
  const flush = () =>
    api.sync.flush.mutate({ boardId, clientId: "empty", batchSeq: 0, from: version, commands: [] });
  const timed = await firstAndWarm(flush, flushes);
  await close();
  return timed;
}

/** `call` timed one after another: the first WARM_FLUSHES after the server started, then `warm`. */
async function firstAndWarm(call: () => Promise<unknown>, warm: number) {
  const first = await timed(WARM_FLUSHES, call);
  return { first, warm: await timed(warm, call) };
}

/**
 * 1-command flushes one after another on an idle server: the first WARM_FLUSHES after the server
 * started (`first`: V8 has not optimised the write path yet), then IDLE_FLUSHES more (`warm`: what
 * a page meets on a server that has been serving).
 */
export async function idleRoundTrip(url: string, cookie: string, transport: Transport) {
  const { api, close } = apiClient(url, cookie, transport);
  const boardId = await newBoard(api);
  const one = writer(api, boardId, `idle-${transport}`);
  await one.start();
  const timed = await firstAndWarm(() => one.edit(), IDLE_FLUSHES);
  await close();
  return timed;
}

export async function saturation(server: ServerProcess, cookie: string, transport: Transport) {
  const owner = apiClient(server.url, cookie, transport);
  const boardId = await newBoard(owner.api);
  const clients = Array.from({ length: WRITERS }, () => apiClient(server.url, cookie, transport));
  const writers = clients.map((c, i) => writer(c.api, boardId, `w${i}-${transport}`));
  await Promise.all(writers.map((w) => w.start()));
  await Promise.all(writers.map((w) => w.edit())); // warm-up: every connection open
  let flushes = 0;
  const cpuBefore = server.cpuMs();
  // The system's monotonic clock, which V8's CPU profiles of the server use too (profile:wire).
  const window = { from: process.hrtime.bigint() / 1000n, to: 0n };
  const clientCpu = process.cpuUsage();
  const start = performance.now();
  const until = start + SATURATION_MS;
  await Promise.all(
    writers.map(async (w) => {
      while (performance.now() < until) {
        await w.edit();
        flushes += 1;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  window.to = process.hrtime.bigint() / 1000n;
  const cpu = server.cpuMs() - cpuBefore;
  const used = process.cpuUsage(clientCpu);
  // The clients' own CPU share: near 100 % means the figure is bound by the client process.
  const clientShare = (used.user + used.system) / 1000 / (seconds * 1000);
  await Promise.all([...clients, owner].map((c) => c.close()));
  return { rate: flushes / seconds, cpuPerFlush: cpu / flushes, flushes, window, clientShare };
}

/** `sync.load` of a 5,000-card board over the WebSocket, as a page opening it does. */
export async function bigLoad(url: string, cookie: string) {
  const { api, close } = apiClient(url, cookie, "websocket");
  const { id: boardId } = await api.board.create.mutate({ title: "Big board" });
  const members = await api.board.members.query({ boardId });
  await seed(api, boardId, bigBoardCommands(members.map((m) => m.userId)));
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 35; i++) {
    const start = performance.now();
    const { document } = await api.sync.load.query({ boardId });
    if (i >= 5) samples.push(performance.now() - start); // the first ones warm up
    if (countCards(document) !== BIG_ITEMS) throw new Error("the big board is not whole");
    bytes = JSON.stringify(document).length;
  }
  await close();
  return { samples, bytes };
}

export async function fanOut(url: string, cookie: string, transport: Transport) {
  const owner = apiClient(url, cookie, transport);
  const boardId = await newBoard(owner.api);
  const { version } = await owner.api.sync.load.query({ boardId });
  const sentAt = new Map<number, number>();
  /** Versions timed: those after the warm-up edits (the board loaded, every stream flowing). */
  const measured = new Set<number>();
  const latencies: number[] = [];
  const pending = new Map<number, number>(); // version → subscribers yet to hear it
  let ready = 0;
  let allHeard: (() => void) | null = null;
  const subscribers = Array.from({ length: SUBSCRIBERS }, () => apiClient(url, cookie, transport));
  const subscriptions = subscribers.map(({ api }) =>
    api.sync.subscribe.subscribe(
      { boardId, lastEventId: String(version) },
      {
        onStarted: () => {
          ready += 1;
        },
        onData: (event) => {
          const at = performance.now();
          const to = Number(event.id);
          const sent = sentAt.get(to);
          if (sent === undefined) return;
          if (measured.has(to)) latencies.push(at - sent);
          const left = (pending.get(to) ?? 0) - 1;
          pending.set(to, left);
          if (left === 0) allHeard?.();
        },
      },
    ),
  );
  while (ready < SUBSCRIBERS) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 200)); // every stream registered
  const one = writer(owner.api, boardId, `fan-${transport}`);
  await one.start();
  for (let i = 0; i < FAN_OUT_WARM_EDITS + FAN_OUT_EDITS; i++) {
    const expected = version + 1 + i;
    if (i >= FAN_OUT_WARM_EDITS) measured.add(expected);
    pending.set(expected, SUBSCRIBERS);
    const heard = new Promise<void>((resolve) => {
      allHeard = resolve;
    });
    sentAt.set(expected, performance.now());
    const got = await one.edit();
    if (got !== expected) throw new Error(`expected version ${expected}, got ${got}`);
    await Promise.race([heard, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
  for (const s of subscriptions) s.unsubscribe();
  await Promise.all([...subscribers, owner].map((c) => c.close()));
  return latencies;
}

/** The raw database ceiling of this machine, now (bench/raw-pg-ceiling.mjs). */
function rawCeiling(url: string): string | null {
  const tool = "bench/raw-pg-ceiling.mjs";
  if (!existsSync(tool)) return null;
  return execFileSync(process.execPath, [tool, url, "50", "1", "5"], { encoding: "utf8" }).trim();
}

/**
 * The server's RSS once idle: right after a burst of work V8 still holds a grown young generation,
 * which its memory reducer hands back some 8-15 s later. Sampled each second until 15 samples in
 * a row agree within 2 MB (at most 45 s).
 */
async function settledRss(server: ServerProcess): Promise<{ mb: number; seconds: number }> {
  const samples = [server.rssMb()];
  while (samples.length <= 45) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    samples.push(server.rssMb());
    const last = samples.slice(-15);
    if (last.length === 15 && Math.max(...last) - Math.min(...last) < 2) break;
  }
  return { mb: samples.at(-1) as number, seconds: samples.length - 1 };
}

async function benchServer(
  kind: Kind,
  label: string,
  env: Record<string, string>,
  ceiling: string | null = null,
) {
  const server = await startServer({ port: PORT, dataDir: `.data/bench-wire-${kind}`, env });
  try {
    const cookie = await signUp(server.url, "wire");
    const warm = apiClient(server.url, cookie, "websocket");
    await newBoard(warm.api);
    await warm.close();
    const rssSetup = server.rssMb();
    const idle = await settledRss(server);
    const floor = await healthFloor(server.url);
    const echo = await wsEchoFloor();
    console.log(`\n${label}: production server, Node clients on loopback`);
    row("/api/health round trip p50 (the floor)", ms(floor));
    row("raw ws echo round trip p50 (the WebSocket floor)", ms2(echo));
    const emptyFlushes = await emptyFlushRoundTrip(server.url, cookie);
    const empty = median(emptyFlushes.warm);
    row(
      "WebSocket: empty sync.flush round trip p50",
      ms2(empty),
      `${mark(empty <= echo + 0.5)} target ≤ echo + 0.5 ms (${ms2(echo + 0.5)})`,
    );
    row(`WebSocket: the same, first ${WARM_FLUSHES} after start`, ms2(median(emptyFlushes.first)));
    if (ceiling)
      row("raw PostgreSQL ceiling (same machine, same run)", ceiling.replace(/^raw ceiling: /, ""));
    const target = TARGETS[kind];
    for (const transport of ["websocket", "http"] as const) {
      const name = transport === "websocket" ? "WebSocket" : "HTTP + SSE";
      const { first, warm: idle } = await idleRoundTrip(server.url, cookie, transport);
      const p50 = median(idle);
      const rttNote =
        transport === "websocket"
          ? `${mark(p50 <= target.wsRtt)} target p50 ≤ ${target.wsRtt} ms`
          : `${mark(p50 <= 2 * floor)} target p50 ≤ 2 × health (${ms(2 * floor)})`;
      row(
        `${name}: 1-command flush round trip p50 / p99`,
        `${ms(p50)} / ${ms(percentile(idle, 99))}`,
        rttNote,
      );
      row(
        `${name}: the same, first ${WARM_FLUSHES} after start`,
        `${ms(median(first))} / ${ms(percentile(first, 99))}`,
      );
      const load = await saturation(server, cookie, transport);
      row(
        `${name}: server CPU per flush, ${WRITERS} writers saturating`,
        ms2(load.cpuPerFlush),
        transport === "websocket"
          ? `${mark(load.cpuPerFlush <= target.wsCpu)} target ≤ ${target.wsCpu} ms`
          : "",
      );
      row(
        `${name}: ${WRITERS} writers, 1 edit per round trip`,
        `${Math.round(load.rate).toLocaleString("en-US")} edits/s (clients at ${Math.round(100 * load.clientShare)} % CPU)`,
        transport === "websocket"
          ? `${mark(load.rate >= target.wsRate)} target ≥ ${target.wsRate.toLocaleString("en-US")}/s`
          : "",
      );
      const fan = await fanOut(server.url, cookie, transport);
      const f50 = percentile(fan, 50);
      const f99 = percentile(fan, 99);
      row(
        `${name}: 1 writer → ${SUBSCRIBERS} subscribers, edit → event p50 / p99`,
        `${ms(f50)} / ${ms(f99)}`,
        transport === "websocket"
          ? `${mark(f50 <= target.fan50 && f99 <= target.fan99)} target ≤ ${target.fan50} / ≤ ${target.fan99} ms`
          : "",
      );
    }
    const big = await bigLoad(server.url, cookie);
    const l95 = percentile(big.samples, 95);
    row(
      `WebSocket: sync.load of ${BIG_ITEMS.toLocaleString("en-US")} cards (${(big.bytes / 1e6).toFixed(1)} MB) p50 / p95`,
      `${ms(median(big.samples))} / ${ms(l95)}`,
      `${mark(l95 < 150)} target p95 < 150 ms`,
    );
    const rssLimit = kind === "pglite" ? 350 : 200;
    row(
      "server RSS after sign-up / idle / after the run",
      `${Math.round(rssSetup)} / ${Math.round(idle.mb)} (settled in ${idle.seconds} s) / ${Math.round(server.rssMb())} MB`,
      `${mark(idle.mb < rssLimit)} target idle < ${rssLimit} MB`,
    );
  } finally {
    await server.stop();
  }
}

async function main() {
  console.log(`Wire benchmarks (node ${process.version})`);
  // WIRE_DATABASES=postgresql: one database only (default both).
  const databases = (process.env.WIRE_DATABASES ?? "pglite,postgresql").split(",");
  if (databases.includes("pglite")) await benchServer("pglite", "PGlite (embedded)", {});
  if (!databases.includes("postgresql")) return;
  const bin = findPostgresBin();
  if (!bin && !process.env.TEST_DATABASE_URL) {
    console.log("\nPostgreSQL: skipped (no server binaries installed and TEST_DATABASE_URL unset)");
    return;
  }
  // BENCH_PG_DURABLE=1: each commit flushed to disk, as in production (the test cluster skips it).
  const durable = process.env.BENCH_PG_DURABLE === "1";
  const cluster = process.env.TEST_DATABASE_URL
    ? null
    : await startPostgresCluster(bin as string, { durable });
  try {
    const { createPostgresDatabase } = await import("../test/databases");
    const admin = process.env.TEST_DATABASE_URL ?? (cluster?.url as string);
    const ceiling = rawCeiling(await createPostgresDatabase(admin));
    const url = await createPostgresDatabase(admin);
    const label = durable
      ? "PostgreSQL, durable (fsync on)"
      : "PostgreSQL (a test cluster: fsync off)";
    await benchServer("postgresql", label, { DATABASE_URL: url }, ceiling);
  } finally {
    cluster?.stop();
  }
}

if (process.argv[1]?.endsWith("wire.bench.ts")) runBench(main);

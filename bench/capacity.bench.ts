// npm run bench:capacity — what one instance (and a pair) holds: production servers on a
// throwaway PostgreSQL, 1,000 WebSocket clients over 100 boards (10 per board, each subscribed to
// its board), each making one edit every 2 s (about 500 edits/s), for 60 s after a 10 s warm-up
// at that rate (printed on its own line). Then the instance's limit: the rate is raised until the
// p99 flush round trip passes 100 ms (or, when it already does at 500 edits/s, lowered until it
// holds). Then the same with two instances on one PostgreSQL: first with each board's clients on
// one of them (boards routed by id, as SCALING.md plans), then the worst case, each board's
// clients alternating between the two. Needs `npm run build` and PostgreSQL's server binaries.
// CAPACITY_SECONDS shortens the main run (default 60); CAPACITY_SETUPS picks setups
// (default one,routed,alternating; also `balancer`: the same two instances behind HAProxy with
// deploy/haproxy.cfg, each client's socket at /api/trpc?board=<id>);
// CAPACITY_PROFILE=1 runs only the main run of one setup (the first of CAPACITY_SETUPS, else
// "one"), its servers under `node --cpu-prof`, and prints their top functions by self time.
import { rmSync } from "node:fs";
import path from "node:path";
import { createPostgresDatabase } from "../test/databases";
import { type Balancer, findHaproxy, startHaproxy } from "../test/haproxy";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";
import { metricsOf, type ServerProcess, startServer } from "../test/server-process";
import { type Api, apiClient, createBoardWithItems, healthFloor, signUp } from "./clients";
import { printTopSelfTime } from "./profile";
import { percentile, runBench } from "./stats";

const BOARDS = 100;
const CLIENTS_PER_BOARD = 10;
const PERIOD_MS = 2_000;
const MAIN_SECONDS = Number(process.env.CAPACITY_SECONDS ?? 60);
const STEP_SECONDS = 20;
const WARMUP_SECONDS = 10;
const LIMIT_P99_MS = 100;
const PROFILE = process.env.CAPACITY_PROFILE === "1";
const PROFILE_DIR = path.resolve(".data/profile-capacity");
/** Instances, and how each board's clients are spread over them. */
const SETUPS = {
  one: { instances: 1, label: "One instance" },
  routed: {
    instances: 2,
    label: "Two instances, one PostgreSQL, each board's clients on one of them (routed by board)",
  },
  alternating: {
    instances: 2,
    label:
      "Two instances, one PostgreSQL, each board's clients alternating between them (worst case)",
  },
  balancer: {
    instances: 2,
    label:
      "Two instances, one PostgreSQL, behind HAProxy with deploy/haproxy.cfg (sockets at /api/trpc?board=<id>)",
  },
} as const;
type Setup = keyof typeof SETUPS;
const CHOSEN = (process.env.CAPACITY_SETUPS ?? "one,routed,alternating").split(",") as Setup[];

interface Client {
  api: Api;
  close(): Promise<void>;
  boardId: string;
  name: string;
  /** The item it edits. */
  item: string;
  /** The newest version this client knows (from answers and events): its next flush's base. */
  base: number;
  batchSeq: number;
  unsubscribe(): void;
}

/** What one phase measured. */
interface Tally {
  rtt: number[];
  events: number[];
  errors: number;
  edits: number;
}

const newTally = (): Tally => ({ rtt: [], events: [], errors: 0, edits: 0 });

/** Opens the clients; each event from another client goes into `sink()`'s window. */
async function connect(urls: string[], setup: Setup, sink: () => Tally): Promise<Client[]> {
  const owners = await Promise.all(
    Array.from({ length: BOARDS }, (_, b) => signUp(urls[0] as string, `cap${b}`)),
  );
  const clients: Client[] = [];
  for (let b = 0; b < BOARDS; b++) {
    const cookie = owners[b] as string;
    const owner = apiClient(urls[0] as string, cookie, "websocket");
    // One item per client, which it edits over and over.
    const { boardId } = await createBoardWithItems(
      owner.api,
      `Capacity ${b}`,
      Array.from({ length: CLIENTS_PER_BOARD }, (_, c) => `i${c}`),
    );
    await owner.close();
    const opened = await Promise.all(
      Array.from({ length: CLIENTS_PER_BOARD }, async (_, c) => {
        const url = urls[(setup === "alternating" ? c : b) % urls.length] as string;
        const board = setup === "balancer" ? boardId : undefined;
        const { api, close } = apiClient(url, cookie, "websocket", board);
        const client: Client = {
          api,
          close,
          boardId,
          name: `b${b}c${c}`,
          item: `i${c}`,
          base: 1,
          batchSeq: 0,
          unsubscribe: () => {},
        };
        await new Promise<void>((resolve) => {
          const subscription = api.sync.subscribe.subscribe(
            { boardId, lastEventId: "1" },
            {
              onStarted: () => resolve(),
              onData: (event) => {
                const at = performance.now();
                client.base = Math.max(client.base, Number(event.id));
                for (const command of event.data.completions) {
                  const text = (command.props as { text?: string } | undefined)?.text ?? "";
                  const [author, sent] = text.split("@");
                  if (author && author !== client.name && sent) {
                    sink().events.push(at - Number(sent));
                  }
                }
              },
            },
          );
          client.unsubscribe = () => subscription.unsubscribe();
        });
        return client;
      }),
    );
    clients.push(...opened);
  }
  return clients;
}

/** Every client edits once per `periodMs` (closed loop: never two flushes in flight) until `ms`. */
async function drive(clients: Client[], periodMs: number, ms: number, record: () => Tally) {
  const until = performance.now() + ms;
  await Promise.all(
    clients.map(async (client) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * periodMs));
      while (performance.now() < until) {
        const started = performance.now();
        client.batchSeq += 1;
        const request = {
          boardId: client.boardId,
          clientId: client.name,
          batchSeq: client.batchSeq,
          from: client.base,
          commands: [
            {
              action: "update" as const,
              path: ["lists", "l", "items", client.item],
              props: { text: `${client.name}@${started}` },
            },
          ],
        };
        const window = record();
        try {
          const answer = await client.api.sync.flush.mutate(request);
          window.rtt.push(performance.now() - started);
          window.edits += 1;
          client.base = Math.max(client.base, answer.version);
          if (answer.errors.length > 0) window.errors += 1;
        } catch {
          window.errors += 1;
        }
        const wait = started + periodMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }),
  );
}

let clientCpu = process.cpuUsage();

/** This process's CPU since the last call, as a share of one core over `seconds`. */
function clientShare(seconds: number): number {
  const used = process.cpuUsage(clientCpu);
  clientCpu = process.cpuUsage();
  return (used.user + used.system) / 1000 / (seconds * 1000);
}

function summary(label: string, w: Tally, seconds: number, cpuMs: number, rssMb: number[]) {
  const f = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`  ${label}`);
  console.log(
    `    edits/s ${(w.edits / seconds).toFixed(0).padStart(6)}   flush round trip p50 ${f(percentile(w.rtt, 50))}  p99 ${f(percentile(w.rtt, 99))}` +
      `   edit → others' event p50 ${f(percentile(w.events, 50))}  p99 ${f(percentile(w.events, 99))}`,
  );
  console.log(
    `    errors ${w.errors}   server CPU ${((100 * cpuMs) / (seconds * 1000)).toFixed(0)} % of a core (${(cpuMs / Math.max(1, w.edits)).toFixed(2)} ms per edit)   RSS ${rssMb.map((r) => `${Math.round(r)} MB`).join(" + ")}   clients at ${Math.round(100 * clientShare(seconds))} % of a core`,
  );
}

/**
 * The server's own view, from /api/metrics: flushes over 50 ms, boards per group commit, event
 * loop lag, GC time.
 */
async function serverView(url: string): Promise<string> {
  const page = await metricsOf(url);
  const value = (series: string) =>
    Number(
      page
        .split("\n")
        .find((l) => l.startsWith(`${series} `))
        ?.split(" ")[1] ?? Number.NaN,
    );
  const count = value("rewind_flush_duration_seconds_count");
  const fast = value('rewind_flush_duration_seconds_bucket{le="0.05"}');
  const gc = page
    .split("\n")
    .filter((l) => l.startsWith("nodejs_gc_duration_seconds_sum"))
    .reduce((sum, l) => sum + Number(l.split(" ")[1]), 0);
  const boardsPerCommit = value("rewind_commit_boards_sum") / value("rewind_commit_boards_count");
  const turn = (kind: string) => value(`rewind_board_turns_total{turn="${kind}"}`) || 0;
  return (
    `turns own / caught up / locked ${turn("own")} / ${turn("caught_up")} / ${turn("locked")}; ` +
    `${(100 * (1 - fast / count)).toFixed(1)} % of flushes took over 50 ms inside the board server; ` +
    `${boardsPerCommit.toFixed(1)} boards per commit; ` +
    `event loop lag p99 ${(1000 * value("nodejs_eventloop_lag_p99_seconds")).toFixed(0)} ms, ` +
    `max ${(1000 * value("nodejs_eventloop_lag_max_seconds")).toFixed(0)} ms; GC ${gc.toFixed(1)} s since start`
  );
}

/** Main run at the nominal rate, then rising rates until p99 passes the limit. */
async function measure(setup: Setup, servers: ServerProcess[], front?: string) {
  const { label } = SETUPS[setup];
  const rssIdle = servers.map((s) => s.rssMb());
  let window = newTally();
  const record = () => window;
  // Behind a balancer the clients know only its address; otherwise each instance's.
  const clients = await connect(front ? [front] : servers.map((s) => s.url), setup, record);
  const rssConnected = servers.map((s) => s.rssMb());
  const cpu = () => servers.reduce((sum, s) => sum + s.cpuMs(), 0);
  console.log(
    `\n${label}: ${clients.length} clients on ${BOARDS} boards, RSS idle ${rssIdle.map(Math.round).join(" + ")} MB → connected ${rssConnected.map(Math.round).join(" + ")} MB` +
      ` (${((rssConnected.reduce((a, b) => a + b, 0) - rssIdle.reduce((a, b) => a + b, 0)) * 1024) / clients.length} kB per connection)`.replace(
        /(\d+\.\d)\d+ kB/,
        "$1 kB",
      ),
  );
  // The first seconds after 1,000 connections open run on cold code (the server's JIT warming
  // up, at full CPU): measured, and printed, apart from the steady state.
  window = newTally();
  clientShare(1);
  let cpuBefore = cpu();
  await drive(clients, PERIOD_MS, WARMUP_SECONDS * 1000, record);
  summary(
    `warm-up at the same rate, ${WARMUP_SECONDS} s (not counted below)`,
    window,
    WARMUP_SECONDS,
    cpu() - cpuBefore,
    servers.map((s) => s.rssMb()),
  );
  window = newTally();
  clientShare(1);
  cpuBefore = cpu();
  const profiled = { from: process.hrtime.bigint() / 1000n, to: 0n };
  await drive(clients, PERIOD_MS, MAIN_SECONDS * 1000, record);
  profiled.to = process.hrtime.bigint() / 1000n;
  const main = window;
  for (const server of servers)
    console.log(`    server ${server.url}: ${await serverView(server.url)}`);
  summary(
    `one edit per client every ${PERIOD_MS / 1000} s, ${MAIN_SECONDS} s`,
    main,
    MAIN_SECONDS,
    cpu() - cpuBefore,
    servers.map((s) => s.rssMb()),
  );
  const mainOk =
    percentile(main.rtt, 99) < 50 && percentile(main.events, 99) < 100 && main.errors === 0;
  console.log(
    `    ${mainOk ? "✓" : "✗"} targets: p99 round trip < 50 ms, p99 edit → event < 100 ms, no errors, RSS < 1 GB`,
  );

  if (PROFILE) {
    for (const client of clients) client.unsubscribe();
    await Promise.all(clients.map((c) => c.close()));
    return profiled;
  }
  // From the nominal rate, up while p99 holds; when it does not hold there, down until it does.
  const mainP99 = percentile(main.rtt, 99);
  const holds = mainP99 <= LIMIT_P99_MS && main.errors === 0;
  const periods = holds ? [1_000, 500, 333, 250, 200, 150, 100] : [4_000, 8_000, 16_000];
  let limit = holds ? { rate: main.edits / MAIN_SECONDS, p99: mainP99 } : null;
  for (const periodMs of periods) {
    window = newTally();
    clientShare(1);
    cpuBefore = cpu();
    await drive(clients, periodMs, STEP_SECONDS * 1000, record);
    const step = window;
    const rate = step.edits / STEP_SECONDS;
    summary(
      `one edit per client every ${periodMs} ms, ${STEP_SECONDS} s`,
      step,
      STEP_SECONDS,
      cpu() - cpuBefore,
      servers.map((s) => s.rssMb()),
    );
    const p99 = percentile(step.rtt, 99);
    const ok = p99 <= LIMIT_P99_MS && step.errors === 0;
    if (holds && !ok) break;
    if (ok) limit = { rate, p99 };
    if (!holds && ok) break;
  }
  console.log(
    limit
      ? `  limit: ${Math.round(limit.rate).toLocaleString("en-US")} edits/s with p99 round trip ${limit.p99.toFixed(1)} ms (the highest rate tried whose p99 stayed within ${LIMIT_P99_MS} ms, without errors)`
      : `  limit: below ${Math.round((clients.length * 1000) / (periods.at(-1) as number))} edits/s (no rate tried kept p99 within ${LIMIT_P99_MS} ms)`,
  );
  for (const client of clients) client.unsubscribe();
  await Promise.all(clients.map((c) => c.close()));
  return null;
}

async function main() {
  const bin = findPostgresBin();
  if (!bin) throw new Error("bench:capacity needs PostgreSQL's server binaries (see README)");
  console.log(`Capacity (node ${process.version}); the clients run in this one process`);
  const cluster = await startPostgresCluster(bin);
  try {
    // Profiled: the first setup chosen (CAPACITY_SETUPS), "one" by default.
    const setups = PROFILE ? [process.env.CAPACITY_SETUPS ? (CHOSEN[0] as Setup) : "one"] : CHOSEN;
    for (const setup of setups) {
      const count = SETUPS[setup]?.instances;
      if (!count)
        throw new Error(`CAPACITY_SETUPS: no setup ${setup} (one, routed, alternating, balancer)`);
      const env = { DATABASE_URL: await createPostgresDatabase(cluster.url) };
      const servers: ServerProcess[] = [];
      if (PROFILE) rmSync(PROFILE_DIR, { recursive: true, force: true });
      for (let i = 0; i < count; i++) {
        const nodeArgs = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
        servers.push(
          await startServer({
            port: 3280 + i,
            dataDir: `.data/bench-capacity-${i}`,
            env,
            nodeArgs,
          }),
        );
      }
      try {
        const health = await healthFloor(servers[0]?.url as string);
        console.log(`\n/api/health round trip p50 (the floor): ${health.toFixed(1)} ms`);
        let balancer: Balancer | null = null;
        if (setup === "balancer") {
          const haproxy = findHaproxy();
          if (!haproxy)
            throw new Error("The balancer setup needs HAProxy (apt-get install haproxy)");
          balancer = await startHaproxy(
            haproxy,
            3289,
            servers.map((s) => Number(new URL(s.url).port)),
          );
          const hop: number[] = [];
          for (let i = 0; i < 100; i++) {
            const start = performance.now();
            await (await fetch(`${balancer.url}/api/health`)).arrayBuffer();
            hop.push(performance.now() - start);
          }
          console.log(
            `/api/health through HAProxy p50: ${percentile(hop, 50).toFixed(1)} ms (the hop's cost: the difference)`,
          );
        }
        try {
          const profiled = await measure(setup, servers, balancer?.url);
          for (const server of servers) await server.stop();
          if (profiled) printTopSelfTime(PROFILE_DIR, profiled);
        } finally {
          balancer?.stop();
        }
      } finally {
        for (const server of servers) await server.stop();
      }
    }
  } finally {
    cluster.stop();
  }
}

runBench(main);

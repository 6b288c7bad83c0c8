// npm run bench:one-board — one board's 12 writers, each making one edit per round trip as fast
// as answers come, on a throwaway PostgreSQL: all on one instance, then spread round robin over
// three instances (a balancer that does not hash by board, or a rebalance), in alternating rounds
// so the machine's drift hits both alike. Prints each round, the medians and their ratio (issue
// 21's target: round robin holds at least 0.7x one instance), beside /api/health's round trip.
// Needs `npm run build` and PostgreSQL's server binaries. ONE_BOARD_ROUNDS (default 3),
// ONE_BOARD_SECONDS (default 8).
import { createPostgresDatabase } from "../test/databases";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";
import { metricsOf, type ServerProcess, startServer } from "../test/server-process";
import { apiClient, healthFloor, signUp } from "./clients";
import { median, percentile, runBench } from "./stats";
import { newBoard, writer } from "./wire.bench";

const WRITERS = 12;
const INSTANCES = 3;
const ROUNDS = Number(process.env.ONE_BOARD_ROUNDS ?? 3);
const SECONDS = Number(process.env.ONE_BOARD_SECONDS ?? 8);

type Spread = "one" | "round robin";

async function run(servers: ServerProcess[], cookie: string, spread: Spread) {
  const owner = apiClient(servers[0]?.url as string, cookie, "websocket");
  const boardId = await newBoard(owner.api);
  const clients = Array.from({ length: WRITERS }, (_, w) =>
    apiClient(servers[spread === "one" ? 0 : w % INSTANCES]?.url as string, cookie, "websocket"),
  );
  const writers = clients.map((c, w) => writer(c.api, boardId, `w${w}`));
  await Promise.all(writers.map((w) => w.start()));
  for (let i = 0; i < 5; i++) await Promise.all(writers.map((w) => w.edit())); // warm
  const cpuBefore = servers.reduce((sum, s) => sum + s.cpuMs(), 0);
  const rtt: number[] = [];
  const start = performance.now();
  const until = start + SECONDS * 1000;
  await Promise.all(
    writers.map(async (w) => {
      while (performance.now() < until) {
        const sent = performance.now();
        await w.edit();
        rtt.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpu = servers.reduce((sum, s) => sum + s.cpuMs(), 0) - cpuBefore;
  await Promise.all([...clients, owner].map((c) => c.close()));
  return {
    turns: await turnsOf(servers),
    rate: rtt.length / seconds,
    p50: percentile(rtt, 50),
    p99: percentile(rtt, 99),
    cpuPerEdit: cpu / rtt.length,
  };
}

/**
 * How the instances' groups took their board's turn, and what became of the flushes sent to the
 * instance that writes the board, counted since they started (all rounds).
 */
async function turnsOf(servers: ServerProcess[]): Promise<Record<string, number>> {
  const turns: Record<string, number> = {};
  for (const server of servers) {
    for (const [, metric, label, n] of (await metricsOf(server.url)).matchAll(
      /^rewind_(board_turns|flushes_forwarded)_total\{\w+="(\w+)"\} (\d+)/gm,
    )) {
      const key = metric === "board_turns" ? (label as string) : `forwarded ${label}`;
      turns[key] = (turns[key] ?? 0) + Number(n);
    }
  }
  return turns;
}

async function main() {
  const bin = findPostgresBin();
  if (!bin) throw new Error("bench:one-board needs PostgreSQL's server binaries (see README)");
  const cluster = await startPostgresCluster(bin);
  const servers: ServerProcess[] = [];
  try {
    const env = { DATABASE_URL: await createPostgresDatabase(cluster.url) };
    for (let i = 0; i < INSTANCES; i++)
      servers.push(
        await startServer({ port: 3290 + i, dataDir: `.data/bench-one-board-${i}`, env }),
      );
    const health = await healthFloor(servers[0]?.url as string);
    console.log(
      `One board, ${WRITERS} writers, 1 edit per round trip, ${SECONDS} s a round, PostgreSQL (node ${process.version})`,
    );
    console.log(`  /api/health round trip p50 (the floor): ${health.toFixed(1)} ms`);
    const cookie = await signUp(servers[0]?.url as string, "one-board");
    const rates: Record<Spread, number[]> = { one: [], "round robin": [] };
    let turnsBefore: Record<string, number> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const spread of ["one", "round robin"] as const) {
        const r = await run(servers, cookie, spread);
        rates[spread].push(r.rate);
        const turns = Object.entries(r.turns)
          .map(([turn, n]) => `${turn} ${n - (turnsBefore[turn] ?? 0)}`)
          .join(", ");
        turnsBefore = r.turns;
        console.log(
          `  round ${round}, ${spread === "one" ? "one instance      " : `round robin over ${INSTANCES}`}: ${Math.round(r.rate).toLocaleString("en-US")} edits/s, round trip p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms, server CPU ${r.cpuPerEdit.toFixed(2)} ms per edit; groups' turns: ${turns}`,
        );
      }
    }
    const one = median(rates.one);
    const spread = median(rates["round robin"]);
    const ratio = spread / one;
    console.log(
      `  medians: one instance ${Math.round(one).toLocaleString("en-US")} edits/s, round robin ${Math.round(spread).toLocaleString("en-US")} edits/s: ${ratio.toFixed(2)}x ${ratio >= 0.7 ? "✓" : "✗"} target ≥ 0.7x`,
    );
  } finally {
    for (const server of servers) await server.stop();
    cluster.stop();
  }
}

runBench(main);

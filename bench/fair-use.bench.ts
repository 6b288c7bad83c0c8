// npm run bench:fair-use — does a script flooding one board drown the people on it? A production
// server on a throwaway PostgreSQL; 10 pages on board A and 10 on board B (one account, 4,000
// commands a minute, under its 5,000), each making one edit every 300 ms. First for 15 s alone, then for 15 s with a script on board A flushing
// 100-command batches as fast as answers come, ignoring every "slow down" (the worst client).
// Prints the people's flush round trip p50 / p99 both times (target p99 < 50 ms with the
// script), what the script got applied and refused, and the server's CPU. Needs `npm run build`
// and PostgreSQL's server binaries.
import { TRPCClientError } from "@trpc/client";
import { DEFAULT_LIMITS } from "../src/server/fair-use/FairUse";
import { createPostgresDatabase } from "../test/databases";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";
import { startServer } from "../test/server-process";
import { type Api, apiClient, createBoardWithItems, healthFloor, signUpAccount } from "./clients";
import { percentile, runBench } from "./stats";

const PEOPLE_PER_BOARD = 10;
const PERIOD_MS = 300;
const SECONDS = Number(process.env.FAIR_USE_SECONDS ?? 15);
const SCRIPT_BATCH = 100;

/** One page: edits its own item every PERIOD_MS, one flush at a time; returns its round trips. */
function person(api: Api, boardId: string, name: string, item: string) {
  let batchSeq = 0;
  let from = 0;
  const rtt: number[] = [];
  /** When each round trip started, ms since the phase began. */
  const at: number[] = [];
  let errors = 0;
  return {
    rtt,
    at,
    errors: () => errors,
    async run(until: number, start: number) {
      from = (await api.sync.load.query({ boardId })).version;
      let next = performance.now() + Math.random() * PERIOD_MS;
      while (performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
        next += PERIOD_MS;
        batchSeq += 1;
        const sent = performance.now();
        try {
          const answer = await api.sync.flush.mutate({
            boardId,
            clientId: name,
            batchSeq,
            from,
            commands: [
              { action: "update", path: ["lists", "l", "items", item], props: { text: `${sent}` } },
            ],
          });
          from = answer.version;
          rtt.push(performance.now() - sent);
          at.push(sent - start);
        } catch {
          errors += 1;
          batchSeq -= 1;
        }
      }
    },
  };
}

/** Flushes 100-command batches as fast as answers come, ignoring retryAfterMs. */
async function script(api: Api, boardId: string, until: number) {
  let batchSeq = 0;
  let from = (await api.sync.load.query({ boardId })).version;
  let applied = 0;
  let refused = 0;
  let n = 0;
  while (performance.now() < until) {
    batchSeq += 1;
    try {
      const answer = await api.sync.flush.mutate({
        boardId,
        clientId: "script",
        batchSeq,
        from,
        commands: Array.from({ length: SCRIPT_BATCH }, () => ({
          action: "update" as const,
          path: ["lists", "l", "items", "s"],
          props: { text: `flood ${++n}` },
        })),
      });
      from = answer.version;
      applied += SCRIPT_BATCH;
    } catch (error) {
      if (!(error instanceof TRPCClientError) || error.data?.code !== "TOO_MANY_REQUESTS")
        throw error;
      refused += 1;
      batchSeq -= 1;
    }
  }
  return { applied, refused };
}

async function main() {
  const bin = findPostgresBin();
  if (!bin) throw new Error("bench:fair-use needs PostgreSQL's server binaries (see README)");
  const cluster = await startPostgresCluster(bin);
  const server = await startServer({
    port: 3295,
    dataDir: ".data/bench-fair-use",
    env: {
      DATABASE_URL: await createPostgresDatabase(cluster.url),
      // The defaults (startServer turns a person's command limits off for seeding benchmarks).
      RATE_LIMIT_COMMANDS_PER_SECOND: String(DEFAULT_LIMITS.commandsPerSecond),
      RATE_LIMIT_COMMANDS: String(DEFAULT_LIMITS.commandsPerMinute),
      RATE_LIMIT_COMMANDS_PER_DAY: String(DEFAULT_LIMITS.commandsPerDay),
    },
  });
  try {
    const team = await signUpAccount(server.url, "team");
    const flooder = await signUpAccount(server.url, "flooder");
    const owner = apiClient(server.url, team.cookie, "websocket");
    const items = Array.from({ length: PEOPLE_PER_BOARD }, (_, i) => `i${i}`);
    const boards = [
      (await createBoardWithItems(owner.api, "A", [...items, "s"])).boardId,
      (await createBoardWithItems(owner.api, "B", items)).boardId,
    ];
    await owner.api.board.invite.mutate({
      boardId: boards[0] as string,
      email: flooder.email,
      role: "editor",
    });
    const pages = boards.flatMap((boardId, b) =>
      items.map((item) => {
        const client = apiClient(server.url, team.cookie, "websocket", boardId);
        return { client, person: person(client.api, boardId, `p${b}-${item}`, item), board: b };
      }),
    );
    const flood = apiClient(server.url, flooder.cookie, "websocket", boards[0]);
    const health = await healthFloor(server.url);
    console.log(
      `Fair use on PostgreSQL (node ${process.version}): ${pages.length} pages on 2 boards, one edit each every ${PERIOD_MS} ms, ${SECONDS} s a phase; /api/health round trip p50 (the floor) ${health.toFixed(1)} ms`,
    );
    for (const withScript of [false, true]) {
      for (const page of pages) {
        page.person.rtt.length = 0;
        page.person.at.length = 0;
      }
      const start = performance.now();
      const until = start + SECONDS * 1000;
      const cpuBefore = server.cpuMs();
      const [floodResult] = await Promise.all([
        withScript ? script(flood.api, boards[0] as string, until) : Promise.resolve(null),
        ...pages.map((page) => page.person.run(until, start)),
      ]);
      const cpu = (server.cpuMs() - cpuBefore) / (SECONDS * 10);
      for (const b of [0, 1]) {
        const rtt = pages.filter((p) => p.board === b).flatMap((p) => p.person.rtt);
        const errors = pages
          .filter((p) => p.board === b)
          .reduce((n, p) => n + p.person.errors(), 0);
        const p99 = percentile(rtt, 99);
        console.log(
          `  ${withScript ? "with the script   " : "without the script"} people on board ${b === 0 ? "A (the script's)" : "B              "}: flush p50 ${percentile(rtt, 50).toFixed(1)} ms p99 ${p99.toFixed(1)} ms, ${errors} errors${withScript ? ` ${p99 < 50 && errors === 0 ? "✓" : "✗"} target p99 < 50 ms` : ""}`,
        );
      }
      if (floodResult) {
        // Where the slow ones were: during the script's first burst (its minute's budget) or after.
        const a = pages.filter((p) => p.board === 0).map((p) => p.person);
        const split = (early: boolean) =>
          a.flatMap((p) => p.rtt.filter((_, i) => (p.at[i] as number) < 3000 === early));
        console.log(
          `  board A p99 in the first 3 s ${percentile(split(true), 99).toFixed(1)} ms, after ${percentile(split(false), 99).toFixed(1)} ms`,
        );
      }
      if (floodResult)
        console.log(
          `  the script: ${Math.round(floodResult.applied / SECONDS).toLocaleString("en-US")} commands/s applied, ${floodResult.refused.toLocaleString("en-US")} flushes refused (TOO_MANY_REQUESTS) in ${SECONDS} s`,
        );
      console.log(`  server CPU ${cpu.toFixed(0)} % of a core`);
    }
    await Promise.all([...pages.map((p) => p.client.close()), flood.close(), owner.close()]);
  } finally {
    await server.stop();
    cluster.stop();
  }
}

runBench(main);

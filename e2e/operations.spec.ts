// What an operator does to running servers, with clients writing all along: a rolling restart of
// two instances on one PostgreSQL, and a PostgreSQL restart under one. Clients are Node tRPC
// clients over WebSockets (as pages are), retrying a failed flush with the same batchSeq.
import { expect, test } from "@playwright/test";
import { type Api, apiClient, signUp } from "../bench/clients";
import { createPostgresDatabase } from "../test/databases";
import {
  findPostgresBin,
  type PostgresCluster,
  startPostgresCluster,
} from "../test/postgres-cluster";
import { type ServerProcess, startServer } from "../test/server-process";

const bin = findPostgresBin();
test.skip(!bin, "PostgreSQL's server binaries are not installed (.ci/run installs them)");
test.describe.configure({ mode: "serial" });

let cluster: PostgresCluster;
test.beforeAll(async () => {
  cluster = await startPostgresCluster(bin as string);
});
test.afterAll(() => cluster?.stop());

/**
 * A client adding one item per flush until stopped; a flush that fails (server gone, database
 * restarting) is sent again, the same request, until answered. `acked` holds the text of every
 * item the server acknowledged.
 */
function writer(api: Api, boardId: string, name: string) {
  const acked: string[] = [];
  let stopped = false;
  let failures = 0;
  const done = (async () => {
    let from = (await api.sync.load.query({ boardId })).version;
    for (let batchSeq = 1; !stopped; batchSeq++) {
      const text = `${name} ${batchSeq}`;
      const request = {
        boardId,
        clientId: name,
        batchSeq,
        from,
        commands: [{ action: "create" as const, path: ["lists", "l", "items"], props: { text } }],
      };
      for (;;) {
        try {
          const answer = await api.sync.flush.mutate(request);
          expect(answer.errors).toEqual([]);
          from = answer.version;
          acked.push(text);
          break;
        } catch {
          failures += 1;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    acked,
    failures: () => failures,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

/** Every item text on the board, as many times as it is there. */
async function itemTexts(api: Api, boardId: string): Promise<string[]> {
  const { document } = await api.sync.load.query({ boardId });
  const lists = document.lists as Record<string, { items?: Record<string, { text: string }> }>;
  return Object.values(lists.l?.items ?? {}).map((item) => item.text);
}

async function boardWithList(api: Api): Promise<string> {
  const { id } = await api.board.create.mutate({ title: "Operations" });
  await api.sync.flush.mutate({
    boardId: id,
    clientId: `setup-${id}`,
    batchSeq: 1,
    from: 0,
    commands: [{ action: "create", path: ["lists"], createdId: "l", props: { title: "L" } }],
  });
  return id;
}

const until = async (check: () => boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test("a rolling restart of two instances under load loses nothing, and every client carries on", async () => {
  test.setTimeout(240_000);
  const env = { DATABASE_URL: await createPostgresDatabase(cluster.url) };
  const options = [
    { port: 3160, dataDir: ".data/e2e-rolling-1", env },
    { port: 3161, dataDir: ".data/e2e-rolling-2", env },
  ];
  const servers: ServerProcess[] = [];
  for (const option of options) servers.push(await startServer(option));
  const cookie = await signUp(servers[0]?.url as string, "rolling");
  const clients = Array.from({ length: 8 }, (_, i) =>
    apiClient(servers[i % 2]?.url as string, cookie, "websocket"),
  );
  try {
    const boardId = await boardWithList(clients[0]?.api as Api);
    const writers = clients.map((c, i) => writer(c.api, boardId, `w${i}`));
    const ackedNow = () => writers.reduce((sum, w) => sum + w.acked.length, 0);
    await until(() => ackedNow() >= 40);
    for (const [i, option] of options.entries()) {
      // SIGTERM with writers on it: it exits cleanly, and its clients wait and reconnect.
      expect(await servers[i]?.stop()).toBe(0);
      const before = ackedNow();
      servers[i] = await startServer({ ...option, keepData: true });
      await until(() => ackedNow() >= before + 40);
    }
    for (const w of writers) await w.stop();
    // Every client went through the restarts (some flushes failed and were sent again)...
    expect(writers.every((w) => w.acked.length > 10)).toBe(true);
    expect(writers.some((w) => w.failures() > 0)).toBe(true);
    // ...and the board holds each acknowledged item exactly once.
    const texts = await itemTexts(clients[1]?.api as Api, boardId);
    const acked = writers.flatMap((w) => w.acked);
    expect(texts.length).toBe(acked.length);
    expect(new Set(texts)).toEqual(new Set(acked));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    for (const server of servers) await server.stop();
  }
});

test("PostgreSQL restarted under load: nothing acknowledged is lost, and the server recovers by itself", async () => {
  test.setTimeout(180_000);
  const env = { DATABASE_URL: await createPostgresDatabase(cluster.url) };
  const server = await startServer({ port: 3162, dataDir: ".data/e2e-pg-restart", env });
  const cookie = await signUp(server.url, "pg-restart");
  const clients = Array.from({ length: 6 }, () => apiClient(server.url, cookie, "websocket"));
  const [first, second] = clients as [(typeof clients)[0], (typeof clients)[0]];
  try {
    const boardId = await boardWithList(first.api);
    // A subscriber on the same server: it must hear of everything, across the restart.
    const heard: number[] = [];
    const { version: start } = await first.api.sync.load.query({ boardId });
    const subscription = first.api.sync.subscribe.subscribe(
      { boardId, lastEventId: String(start) },
      { onData: (event) => heard.push(Number(event.id)) },
    );
    const writers = clients.map((c, i) => writer(c.api, boardId, `p${i}`));
    const ackedNow = () => writers.reduce((sum, w) => sum + w.acked.length, 0);
    await until(() => ackedNow() >= 40);
    cluster.restart();
    const before = ackedNow();
    await until(() => ackedNow() >= before + 60);
    for (const w of writers) await w.stop();
    const texts = await itemTexts(second.api, boardId);
    const acked = writers.flatMap((w) => w.acked);
    expect(texts.length).toBe(acked.length);
    expect(new Set(texts)).toEqual(new Set(acked));
    // The subscriber caught up to the head without a restart of the server.
    const { version: head } = await second.api.sync.load.query({ boardId });
    await until(() => heard.at(-1) === head, 10_000);
    subscription.unsubscribe();
    expect((await fetch(`${server.url}/api/health`)).ok).toBe(true);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  }
});

// What an operator does to running servers, with clients writing all along: a rolling restart of
// two instances on one PostgreSQL, and a PostgreSQL restart under one. Clients are Node tRPC
// clients over WebSockets (as pages are), retrying a failed flush with the same batchSeq.
import { expect, test } from "@playwright/test";
import { TRPCClientError } from "@trpc/client";
import { type Api, apiClient, createBoardWithItems, signUp } from "../bench/clients";
import { createPostgresDatabase } from "../test/databases";
import { type Balancer, findHaproxy, startHaproxy } from "../test/haproxy";
import {
  findPostgresBin,
  type PostgresCluster,
  startPostgresCluster,
} from "../test/postgres-cluster";
import { metricsOf, type ServerProcess, startServer } from "../test/server-process";
import { socketClient } from "../test/socket";
import { until } from "../test/until";

const bin = findPostgresBin();
test.skip(!bin, "PostgreSQL's server binaries are not installed (.ci/run installs them)");
test.describe.configure({ mode: "serial" });

let cluster: PostgresCluster;
test.beforeAll(async () => {
  cluster = await startPostgresCluster(bin as string);
});
test.afterAll(() => cluster?.stop());

/** Refusals the server answered with: a retry would get the same, so the writer stops on them. */
const refusal = (error: unknown) =>
  error instanceof TRPCClientError && typeof error.data?.code === "string";

/**
 * A client editing its own item once per flush until stopped; a flush that gets no answer (server
 * gone, database restarting) is sent again, the same request, until answered. `acked` holds the
 * text of every edit the server acknowledged; a refused edit ends the writer with its error.
 */
function writer(api: Api, boardId: string, name: string) {
  const acked: string[] = [];
  let stopped = false;
  let refused: unknown = null;
  const done = (async () => {
    let from = (await api.sync.load.query({ boardId })).version;
    for (let batchSeq = 1; !stopped; batchSeq++) {
      const text = `${name} ${batchSeq}`;
      const request = {
        boardId,
        clientId: name,
        batchSeq,
        from,
        commands: [
          { action: "update" as const, path: ["lists", "l", "items", name], props: { text } },
        ],
      };
      for (;;) {
        try {
          const answer = await api.sync.flush.mutate(request);
          if (answer.errors.length > 0) throw new Error(`${name}: ${answer.errors[0]?.message}`);
          from = answer.version;
          acked.push(text);
          break;
        } catch (error) {
          if (refusal(error) || !(error instanceof TRPCClientError)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })().catch((error: unknown) => {
    refused = error;
  });
  return {
    name,
    acked,
    /** Its acknowledged edits; throws the refusal that ended it, if one did. */
    progress() {
      if (refused) throw refused;
      return acked.length;
    },
    async stop() {
      stopped = true;
      await done;
      if (refused) throw refused;
    },
  };
}

/**
 * Nothing acknowledged lost, nothing applied twice: each acknowledged edit is one version after
 * the setup's, and each item says what its writer's last acknowledged edit said.
 */
async function expectExactlyTheAcknowledged(
  api: Api,
  boardId: string,
  setupVersion: number,
  writers: { name: string; acked: string[] }[],
) {
  const { version, document } = await api.sync.load.query({ boardId });
  const acked = writers.reduce((sum, w) => sum + w.acked.length, 0);
  expect(version).toBe(setupVersion + acked);
  const items = (document.lists as Record<string, { items: Record<string, { text: string }> }>).l
    ?.items;
  for (const w of writers) expect(items?.[w.name]?.text).toBe(w.acked.at(-1));
}

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
  const names = clients.map((_, i) => `w${i}`);
  try {
    const { boardId, version } = await createBoardWithItems(
      clients[0]?.api as Api,
      "Operations",
      names,
    );
    const writers = clients.map((c, i) => writer(c.api, boardId, names[i] as string));
    const ackedNow = () => writers.reduce((sum, w) => sum + w.progress(), 0);
    await until(() => ackedNow() >= 40, 30_000);
    for (const [i, option] of options.entries()) {
      // SIGTERM with writers on it: it exits cleanly, and its clients wait and reconnect.
      expect(await servers[i]?.stop()).toBe(0);
      const before = writers.map((w) => w.progress());
      servers[i] = await startServer({ ...option, keepData: true });
      // Every client carries on after the restart, those of the restarted instance included
      // (whether a flush of theirs failed on the way depends on timing: no assertion on that).
      await until(() => writers.every((w, n) => w.progress() >= (before[n] ?? 0) + 5), 30_000);
    }
    for (const w of writers) await w.stop();
    // The board holds each acknowledged edit exactly once.
    await expectExactlyTheAcknowledged(clients[1]?.api as Api, boardId, version, writers);
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
  const names = clients.map((_, i) => `p${i}`);
  try {
    const { boardId, version } = await createBoardWithItems(first.api, "Operations", names);
    // A subscriber on the same server: it must hear of everything, across the restart.
    const heard: number[] = [];
    const { version: start } = await first.api.sync.load.query({ boardId });
    const subscription = first.api.sync.subscribe.subscribe(
      { boardId, lastEventId: String(start) },
      { onData: (event) => heard.push(Number(event.id)) },
    );
    const writers = clients.map((c, i) => writer(c.api, boardId, names[i] as string));
    const ackedNow = () => writers.reduce((sum, w) => sum + w.progress(), 0);
    await until(() => ackedNow() >= 40, 30_000);
    cluster.restart();
    const before = ackedNow();
    await until(() => ackedNow() >= before + 60, 30_000);
    for (const w of writers) await w.stop();
    await expectExactlyTheAcknowledged(second.api, boardId, version, writers);
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

/** The WebSocket clients each instance holds right now (its /api/metrics). */
async function socketsOn(server: ServerProcess): Promise<number> {
  const text = await metricsOf(server.url);
  const line = text.match(/^rewind_connected_clients\{transport="websocket"\} (\d+)/m);
  return Number(line?.[1] ?? 0);
}

const haproxy = findHaproxy();

test("three instances behind deploy/haproxy.cfg: a board's sockets on one, failover within 5 s when it is killed, then a rolling restart", async () => {
  test.skip(!haproxy, "HAProxy is not installed (.ci/run installs Debian's haproxy)");
  test.setTimeout(180_000);
  const env = { DATABASE_URL: await createPostgresDatabase(cluster.url) };
  const ports = [3170, 3171, 3172];
  const servers: ServerProcess[] = [];
  let balancer: Balancer | null = null;
  const closers: (() => unknown)[] = [];
  try {
    const option = (i: number) => ({
      port: ports[i] as number,
      dataDir: `.data/e2e-haproxy-${i}`,
      env,
    });
    for (let i = 0; i < ports.length; i++) servers.push(await startServer(option(i)));
    balancer = await startHaproxy(haproxy as string, 3175, ports);
    const cookie = await signUp(balancer.url, "balanced");
    const owner = apiClient(balancer.url, cookie, "websocket");
    const names = Array.from({ length: 6 }, (_, i) => `h${i}`);
    const { boardId, version } = await createBoardWithItems(owner.api, "Balanced", names);
    await owner.close();
    // Each page of the board opens its socket at /api/trpc?board=<id>, as the board page does.
    const boardSocket = () => {
      const client = socketClient(`ws://127.0.0.1:3175/api/trpc?board=${boardId}`, cookie);
      closers.push(client.close);
      return client.client;
    };
    const listener = boardSocket();
    const events: { from: number; to: number }[] = [];
    const subscription = listener.sync.subscribe.subscribe(
      { boardId, lastEventId: String(version) },
      {
        onData: ({ id, data }) => events.push({ from: data.from, to: Number(id) }),
      },
    );
    closers.push(() => subscription.unsubscribe());
    const writers = names.map((name) => writer(boardSocket(), boardId, name));
    const ackedNow = () => writers.reduce((sum, w) => sum + w.progress(), 0);
    await until(() => ackedNow() >= 30, 30_000);

    // Every socket of the board is on one instance.
    const counts = await Promise.all(servers.map(socketsOn));
    expect(counts.filter((n) => n > 0)).toEqual([7]);
    const home = counts.findIndex((n) => n > 0);

    // Killed without warning, with its people editing: all of them are answered again soon.
    const before = writers.map((w) => w.progress());
    const killedAt = Date.now();
    process.kill((servers[home] as ServerProcess).pid, "SIGKILL");
    await until(() => writers.every((w, i) => w.progress() > (before[i] ?? 0)), 30_000);
    const failover = Date.now() - killedAt;
    console.log(`failover: every writer answered again ${failover} ms after the kill`);
    expect(failover).toBeLessThan(5_000);
    // The board's sockets are together again, on one of the two left.
    await until(async () => {
      const now = await Promise.all(servers.filter((_, i) => i !== home).map(socketsOn));
      return now.filter((n) => n > 0).length === 1 && now.includes(7);
    }, 15_000);

    // The killed instance comes back; then a rolling restart (SIGTERM, start again) of all three,
    // one after the other, through the balancer: every writer carries on after each.
    servers[home] = await startServer({ ...option(home), keepData: true });
    for (let i = 0; i < servers.length; i++) {
      expect(await servers[i]?.stop()).toBe(0);
      servers[i] = await startServer({ ...option(i), keepData: true });
      const now = writers.map((w) => w.progress());
      await until(() => writers.every((w, n) => w.progress() >= (now[n] ?? 0) + 3), 30_000);
    }

    for (const w of writers) await w.stop();
    await expectExactlyTheAcknowledged(listener, boardId, version, writers);
    // The listener resumed from its last event id: every version once, in order.
    const { version: head } = await listener.sync.load.query({ boardId });
    await until(() => events.at(-1)?.to === head, 15_000);
    expect(events[0]?.from).toBe(version);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.from, `event ${i} starts where the last ended`).toBe(events[i - 1]?.to);
    }
  } finally {
    for (const close of closers) await close();
    balancer?.stop();
    for (const server of servers) await server.stop();
  }
});

import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "@/server/db";
import { openDatabase } from "@/server/db/database";
import { applyMigrations } from "@/server/db/migrate";
import type { Services } from "@/server/services";
import type { Command } from "@/sync";
import { callerFor, codeOfError, createUsers, newServices, type TestUser } from "../../../test/api";
import { addItem, addList } from "../../../test/board-commands";
import { type Instances, instancesOnPostgres } from "../../../test/instances";
import { type SocketServer, signedIn, socketClient, startSocketServer } from "../../../test/socket";
import { DEFAULT_LIMITS, type FairUseLimits, type RateLimited } from "./FairUse";

const limits: FairUseLimits = {
  flushesPer10s: 5,
  commandsPerSecond: 0,
  commandsPerMinute: 0,
  commandsPerDay: 0,
  socketsPerPerson: 3,
  windowSeconds: { flushes: 1 },
};

/** A flusher of one page: its own clientId and batch sequence, one new item per flush. */
function page(clientId: string, boardId: string) {
  let batchSeq = 0;
  let from = 1;
  let n = 0;
  return {
    next(commands?: Command[]) {
      batchSeq += 1;
      n += 1;
      return {
        boardId,
        clientId,
        batchSeq,
        from,
        commands: commands ?? [addItem("l1", `${clientId}-${n}`, `${clientId} ${n}`)],
      };
    },
    /** The last request was refused: the page sends the same one again. */
    again() {
      batchSeq -= 1;
      n -= 1;
    },
    answered(version: number) {
      from = version;
    },
  };
}

describe("fair use over a WebSocket (PGlite)", () => {
  let db: Database;
  let services: Services;
  let server: SocketServer;
  let ada: TestUser;
  let bob: TestUser;
  let boardId: string;
  const open: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await openDatabase({ kind: "pglite", dataDir: "memory://" });
    await applyMigrations(db.adapterFactory);
    services = newServices(db, { limits });
    server = await startSocketServer(services);
    [ada, bob] = (await createUsers(db, "ada", "bob")) as [TestUser, TestUser];
    ({ id: boardId } = await callerFor(services, ada).board.create({ title: "Flooded" }));
    await callerFor(services, ada).board.invite({ boardId, email: bob.email, role: "editor" });
    await callerFor(services, ada).sync.flush({
      boardId,
      clientId: "setup",
      batchSeq: 1,
      from: 0,
      commands: [addList("l1")],
    });
  });
  afterAll(async () => {
    for (const socket of open) await socket.close();
    await server.close();
    await services.close();
    await db.close();
  });

  const connect = async (user: TestUser) => {
    const socket = socketClient(server.url, await signedIn(db, user));
    open.push(socket);
    return socket.client;
  };

  it("a flooding page gets TOO_MANY_REQUESTS with retryAfterMs, nothing of it applied; others are served", async () => {
    const flooder = await connect(ada);
    const other = await connect(bob);
    const ada1 = page("ada-flood", boardId);
    const bob1 = page("bob-page", boardId);
    let refused: unknown = null;
    for (let i = 0; i < 20 && !refused; i++) {
      const request = ada1.next();
      try {
        ada1.answered((await flooder.sync.flush.mutate(request)).version);
      } catch (error) {
        refused = error;
        ada1.again();
      }
      // Bob, on the same board, keeps being answered while Ada floods.
      if (i % 2 === 0) bob1.answered((await other.sync.flush.mutate(bob1.next())).version);
    }
    expect(codeOfError(refused)).toBe("TOO_MANY_REQUESTS");
    const data = (refused as TRPCClientError<never>).data as unknown as { retryAfterMs: number };
    expect(data.retryAfterMs).toBeGreaterThan(0);
    expect(data.retryAfterMs).toBeLessThanOrEqual(1000);
    expect((refused as Error).message).toMatch(/at most 5 flushes per 1 s from one page/);

    // The refused flush applied nothing: five of Ada's items on the board, not six.
    const { document } = await other.sync.load.query({ boardId });
    const items = Object.values(
      (document.lists as Record<string, { items: Record<string, { text: string }> }>).l1?.items ??
        {},
    ).map((item) => item.text);
    expect(items.filter((text) => text.startsWith("ada-flood"))).toHaveLength(5);

    // The same request after the wait is taken, once.
    await new Promise((resolve) => setTimeout(resolve, data.retryAfterMs));
    const answer = await flooder.sync.flush.mutate(ada1.next());
    expect(answer.errors).toEqual([]);
    const after = await other.sync.load.query({ boardId });
    const texts = Object.values(
      (after.document.lists as Record<string, { items: Record<string, { text: string }> }>).l1
        ?.items ?? {},
    ).map((item) => item.text);
    expect(texts.filter((text) => text === "ada-flood 6")).toHaveLength(1);
    expect(await other.board.list.query()).toHaveLength(1); // the server keeps serving
  });

  it("a person over their pace waits for the next second instead of being refused; others go first", async () => {
    const paced = newServices(db, {
      limits: { ...limits, flushesPer10s: 0, commandsPerSecond: 500 },
    });
    try {
      const ada1 = page("ada-paste", boardId);
      const bob1 = page("bob-typing", boardId);
      const paste = (n: number) =>
        Array.from({ length: n }, (_, i) => addItem("l1", `paste-${n}-${i}`, `paste ${i}`));
      const order: string[] = [];
      const first = await callerFor(paced, ada).sync.flush(ada1.next(paste(500)));
      ada1.answered(first.version);
      // Ada's second paste of the same second waits for the next one; Bob is not held behind it.
      const second = callerFor(paced, ada)
        .sync.flush(ada1.next(paste(300)))
        .then((answer) => {
          order.push("ada");
          return answer;
        });
      const bobs = await callerFor(paced, bob).sync.flush(bob1.next());
      order.push("bob");
      expect(bobs.errors).toEqual([]);
      const answer = await second;
      expect(answer.errors).toEqual([]);
      expect(order).toEqual(["bob", "ada"]);
      expect(answer.version).toBe(bobs.version + 300);
    } finally {
      await paced.close();
    }
  });

  it("the default limits never refuse a paste of 500 items, a day's offline queue or fast typing", async () => {
    const defaults = newServices(db, { limits: DEFAULT_LIMITS });
    try {
      // A board of its own: the day's 4,650 items would not fit beside the other tests' ones.
      const { id: ownBoard } = await callerFor(defaults, ada).board.create({ title: "A day" });
      await callerFor(defaults, ada).sync.flush({
        boardId: ownBoard,
        clientId: "setup",
        batchSeq: 1,
        from: 0,
        commands: [addList("l1")],
      });
      const ada1 = page("ada-offline-day", ownBoard);
      const flush = async (commands?: Command[]) => {
        const answer = await callerFor(defaults, ada).sync.flush(ada1.next(commands));
        expect(answer.errors).toEqual([]);
        ada1.answered(answer.version);
      };
      const items = (n: number, prefix: string) =>
        Array.from({ length: n }, (_, i) => addItem("l1", `${prefix}-${i}`, `${prefix} ${i}`));
      // A paste of 500 items, then a day of offline edits (4,000 commands, sent as the page
      // sends them: 500 a flush, one after another), then typing: 150 one-command flushes.
      await flush(items(500, "paste"));
      for (let batch = 0; batch < 8; batch++) await flush(items(500, `offline${batch}`));
      for (let key = 0; key < 150; key++) await flush(items(1, `key${key}`));
      const { document } = await callerFor(defaults, ada).sync.load({ boardId: ownBoard });
      const texts = Object.values(
        (document.lists as Record<string, { items: Record<string, { text: string }> }>).l1?.items ??
          {},
      ).map((item) => item.text);
      expect(texts.filter((text) => /^(paste|offline\d|key\d+) /.test(text))).toHaveLength(4_650);
    } finally {
      await defaults.close();
    }
  });

  it("a person keeps at most RATE_LIMIT_SOCKETS sockets open on an instance", async () => {
    const cookie = await signedIn(db, bob);
    const sockets = Array.from({ length: 4 }, () => socketClient(server.url, cookie));
    open.push(...sockets);
    const answers = await Promise.all(
      sockets.map((s) =>
        s.client.board.list.query().then(
          () => "answered",
          (error: unknown) => (error instanceof TRPCClientError ? error.message : String(error)),
        ),
      ),
    );
    // Bob's earlier socket is open too: two more are let in, the others are closed.
    expect(answers.filter((a) => a === "answered").length).toBeLessThanOrEqual(2);
    expect(answers.filter((a) => a !== "answered").length).toBeGreaterThanOrEqual(2);
    for (const socket of sockets) await socket.close();
  });
});

const skipReason = inject("postgresSkipReason");

describe.skipIf(skipReason !== null)(
  `a person's limits across two instances on one PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let cluster: Instances;
    let instances: Services[];
    let ada: TestUser;
    let boardId: string;

    beforeAll(async () => {
      cluster = await instancesOnPostgres(inject("postgresUrl") ?? "", 2, {
        services: {
          limits: {
            ...limits,
            flushesPer10s: 0,
            commandsPerMinute: 30,
            windowSeconds: { minute: 2 },
          },
        },
      });
      instances = cluster.services;
      [ada] = (await createUsers(cluster.databases[0] as Database, "ada")) as [TestUser];
      ({ id: boardId } = await callerFor(instances[0] as Services, ada).board.create({
        title: "Two instances",
      }));
    });
    afterAll(() => cluster.close());

    it("commands counted on one instance count on the other", async () => {
      const commands = (n: number, from: number) =>
        Array.from({ length: n }, (_, i) => addList(`l${from + i}`));
      const first = await callerFor(instances[0] as Services, ada).sync.flush({
        boardId,
        clientId: "a",
        batchSeq: 1,
        from: 0,
        commands: commands(20, 0),
      });
      expect(first.version).toBe(20);
      // Each instance adds what it counted to the shared counters within SYNC_MS.
      await (instances[0] as Services).fairUse.synced();
      // 20 + 15 > 30 a minute: refused on the other instance, nothing applied.
      const again = () =>
        callerFor(instances[1] as Services, ada).sync.flush({
          boardId,
          clientId: "b",
          batchSeq: 1,
          from: 20,
          commands: commands(15, 20),
        });
      const refused = await again().catch((error: unknown) => error);
      expect(codeOfError(refused)).toBe("TOO_MANY_REQUESTS");
      const retryAfterMs = ((refused as Error).cause as RateLimited).retryAfterMs;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(2000);
      expect(await (instances[1] as Services).boards.head(boardId)).toBe(20);
      // Once the window has passed, the same flush is taken, once.
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 50));
      expect((await again()).version).toBe(35);
      expect((await again()).version).toBe(35); // a retry of it changes nothing
    });
  },
);

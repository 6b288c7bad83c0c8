import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Database } from "@/server/db";
import { openDatabase } from "@/server/db/database";
import { applyMigrations } from "@/server/db/migrate";
import {
  ClientProxy,
  type Command,
  type Doc,
  type FlushRequest,
  type RemoteChanges,
  replayCompletions,
} from "@/sync";
import { seededRandom } from "@/sync/testing/random";
import { callerFor, createUsers, type TestUser } from "../../../../test/api";
import { createPostgresDatabase } from "../../../../test/databases";
import { metrics } from "../../observability/metrics";
import { createServices, type Services } from "../../services";
import { PostgresBoardEvents } from "../live/BoardEvents";
import { BoardStore } from "./BoardStore";

const skipReason = inject("postgresSkipReason");
const INSTANCES = 3;
const CLIENTS = 30;
const ROUNDS = 40;

/** A random board-shaped command against what the client sees. */
function randomCommand(rng: ReturnType<typeof seededRandom>, doc: Doc): Command {
  const lists = Object.keys(doc.lists as Doc);
  const list = rng.pick(lists);
  // A list made locally has no items node until the master's answer adds one (hence parentDefault).
  const items = list
    ? Object.keys((((doc.lists as Doc)[list] as Doc).items as Doc | undefined) ?? {})
    : [];
  const item = rng.pick(items);
  const roll = rng.int(10);
  if (!list || roll === 0)
    return { action: "create", path: ["lists"], props: { title: `L${rng.int(99)}`, order: "a0" } };
  if (roll <= 4)
    return {
      action: "create",
      path: ["lists", list, "items"],
      parentDefault: {},
      props: { text: `t${rng.int(99)}`, done: false },
    };
  if (roll <= 6 && item)
    return {
      action: "update",
      path: ["lists", list, "items", item],
      props: { done: rng.chance(0.5) },
    };
  if (roll === 7 && item) return { action: "delete", path: ["lists", list, "items", item] };
  if (roll === 8 && rng.chance(0.2)) return { action: "delete", path: ["lists", list] };
  return { action: "update", path: ["lists", list], props: { title: `R${rng.int(99)}` } };
}

describe.skipIf(skipReason !== null)(
  `three server instances on one PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    const databases: Database[] = [];
    const services: Services[] = [];
    const events: PostgresBoardEvents[] = [];
    let users: TestUser[] = [];
    let boardId = "";

    beforeAll(async () => {
      const url = await createPostgresDatabase(inject("postgresUrl") ?? "");
      for (let i = 0; i < INSTANCES; i++) {
        const db = await openDatabase({ kind: "postgresql", url, poolSize: 5 });
        if (i === 0) await applyMigrations(db.adapterFactory);
        const bus = new PostgresBoardEvents(url);
        await bus.listening();
        databases.push(db);
        events.push(bus);
        services.push(createServices(db, { events: bus, checkpointEvery: 100 }));
      }
      users = await createUsers(
        databases[0] as Database,
        ...Array.from({ length: 10 }, (_, i) => `u${i}`),
      );
      const owner = callerFor(services[0] as Services, users[0] as TestUser);
      ({ id: boardId } = await owner.board.create({ title: "Shared" }));
      for (const user of users.slice(1))
        await owner.board.invite({ boardId, email: user.email, role: "editor" });
    });

    afterAll(async () => {
      await Promise.all(services.map((s) => s.close()));
      await Promise.all(events.map((e) => e.close()));
      await Promise.all(databases.map((d) => d.close()));
    });

    it("30 clients, random commands and retries: contiguous history, and everyone agrees", async () => {
      const api = (instance: number, user: TestUser, signal?: AbortSignal) =>
        callerFor(services[instance] as Services, user, { signal });
      const controller = new AbortController();
      let made = 0;

      const clients = await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          const user = users[c % users.length] as TestUser;
          const home = c % INSTANCES;
          const base = await api(home, user).sync.load({ boardId });
          const proxy = new ClientProxy({ clientId: `client-${c}`, base });
          // Half the clients also listen, on their own instance.
          if (c % 2 === 0) {
            const stream = await api(home, user, controller.signal).sync.subscribe({
              boardId,
              lastEventId: String(base.version),
            });
            void (async () => {
              for await (const [, changes] of stream as unknown as AsyncIterable<
                [string, RemoteChanges]
              >)
                proxy.receive(changes);
            })().catch(() => {});
          }
          proxy.subscribe((event) => {
            if (event.type === "resync-needed")
              void api(home, user)
                .sync.load({ boardId })
                .then((b) => proxy.reset(b));
          });
          return { c, user, home, proxy };
        }),
      );

      const send = async (
        client: (typeof clients)[number],
        request: FlushRequest,
        instance: number,
      ) => api(instance, client.user).sync.flush({ boardId, ...request });

      await Promise.all(
        clients.map(async (client) => {
          const rng = seededRandom(1000 + client.c);
          for (let round = 0; round < ROUNDS; round++) {
            for (let n = 1 + rng.int(5); n > 0; n--) {
              if (client.proxy.apply(randomCommand(rng, client.proxy.document)).ok) made++;
            }
            const request = client.proxy.beginFlush();
            if (!request) continue;
            if (rng.chance(0.15)) {
              // The answer is lost: the request may have landed. Retry it on another instance.
              await send(client, request, client.home).catch(() => {});
              client.proxy.cancelFlush();
              const retry = client.proxy.beginFlush() as FlushRequest;
              expect(retry).toBe(request);
              client.proxy.endFlush(await send(client, retry, (client.home + 1) % INSTANCES));
            } else {
              client.proxy.endFlush(await send(client, request, client.home));
            }
          }
        }),
      );

      // Quiesce: everyone flushes until nothing is pending and their base is the head.
      for (let pass = 0; pass < 3; pass++) {
        for (const client of clients) {
          const request = client.proxy.beginFlush({ force: true });
          if (request) client.proxy.endFlush(await send(client, request, client.home));
        }
      }
      controller.abort();

      const db = databases[0] as Database;
      const board = await db.prisma.board.findUniqueOrThrow({ where: { id: boardId } });
      const rows = await db.prisma.boardCommand.findMany({
        where: { boardId },
        select: { version: true },
        orderBy: { version: "asc" },
      });
      expect(rows.map((r) => r.version)).toEqual(
        Array.from({ length: board.version }, (_, i) => i + 1),
      );
      // Thousands of commands, most applied (some are refused: their target was deleted meanwhile).
      expect(made).toBeGreaterThan(2000);
      expect(board.version).toBeGreaterThan(made / 2);

      const loads = await Promise.all(services.map((s) => s.boards.load(boardId)));
      for (const load of loads) expect(load).toEqual(loads[0]);
      for (const client of clients) {
        expect(client.proxy.pendingCount).toBe(0);
        expect(client.proxy.version).toBe(board.version);
        expect(client.proxy.document).toEqual(loads[0]?.document);
      }
      const history = await (services[0] as Services).boards.store.readCommands(
        boardId,
        0,
        board.version,
      );
      expect(replayCompletions({ title: "Shared", lists: {} }, history)).toEqual(
        loads[0]?.document,
      );
    }, 120_000);

    it("a board written from two instances in turn catches up without taking the lock", async () => {
      const turns = async () =>
        Object.fromEntries(
          (await metrics.turns.get()).values.map((v) => [v.labels.turn, v.value]),
        ) as Record<string, number | undefined>;
      const owner = users[0] as TestUser;
      const { id } = await callerFor(services[0] as Services, owner).board.create({
        title: "Alternating",
      });
      const before = await turns();
      let version = 1;
      const ROUNDS_EACH = 10;
      for (let n = 1; n <= 2 * ROUNDS_EACH; n++) {
        const answer = await callerFor(services[n % 2] as Services, owner).sync.flush({
          boardId: id,
          clientId: "alternating",
          batchSeq: n,
          from: version,
          commands: [
            { action: "create", path: ["lists"], createdId: `l${n}`, props: { title: `${n}` } },
          ],
        });
        expect(answer.errors).toEqual([]);
        version = answer.version;
      }
      const after = await turns();
      const grew = (turn: string) => (after[turn] ?? 0) - (before[turn] ?? 0);
      // Each flush lands on the instance that did not write the board last (the first on each:
      // one that has not written it yet): it reads the head and the commands it missed, and
      // writes in that head's turn. None waits for a lock.
      expect(grew("caught_up")).toBe(2 * ROUNDS_EACH);
      expect(grew("own")).toBe(0);
      expect(grew("locked")).toBe(0);
      const loads = await Promise.all(services.slice(0, 2).map((s) => s.boards.load(id)));
      expect(loads[0]?.version).toBe(version);
      expect(loads[1]).toEqual(loads[0]);
      expect(Object.keys(loads[0]?.document.lists ?? {})).toHaveLength(2 * ROUNDS_EACH);
    });

    it("an instance that has not written a board for long loads it from its latest checkpoint", async () => {
      const owner = users[0] as TestUser;
      const { id } = await callerFor(services[0] as Services, owner).board.create({
        title: "Written elsewhere",
      });
      // Instance 1 keeps the board at version 0; instance 0 then writes 350 versions.
      expect((await (services[1] as Services).boards.load(id)).version).toBe(0);
      const heard = new Promise<void>((resolve) => {
        const stop = (events[1] as PostgresBoardEvents).subscribe(id, (v) => {
          if (v < 350) return;
          stop();
          resolve();
        });
      });
      let version = 0;
      for (let n = 1; n <= 7; n++) {
        const answer = await callerFor(services[0] as Services, owner).sync.flush({
          boardId: id,
          clientId: "elsewhere",
          batchSeq: n,
          from: version,
          commands: Array.from({ length: 50 }, (_, i) => ({
            action: "create" as const,
            path: ["lists"],
            createdId: `l${n}-${i}`,
            props: { title: `${n}.${i}` },
          })),
        });
        expect(answer.errors).toEqual([]);
        version = answer.version;
      }
      const read = vi.spyOn(BoardStore.prototype, "readCommands");
      try {
        const load = await (services[1] as Services).boards.load(id);
        expect(load).toEqual(await (services[0] as Services).boards.load(id));
        expect(load.version).toBe(350);
        // Never the 350 commands since its copy: at most a checkpoint's interval (100 here).
        const spans = read.mock.calls.map(([, from, to]) => to - from);
        expect(spans.length).toBeGreaterThan(0);
        expect(Math.max(...spans)).toBeLessThanOrEqual(100);
      } finally {
        read.mockRestore();
      }
      // A flush there (its writer gone, say), once it heard of version 350: its copy is loaded
      // again, not caught up by 350 commands.
      await heard;
      const head = vi.spyOn(BoardStore.prototype, "head");
      try {
        const answer = await callerFor(services[1] as Services, owner).sync.flush({
          boardId: id,
          clientId: "here",
          batchSeq: 1,
          from: 350,
          commands: [
            { action: "create", path: ["lists"], createdId: "here", props: { title: "Here" } },
          ],
        });
        expect(answer.errors).toEqual([]);
        expect(answer.version).toBe(351);
        expect(head.mock.calls.every(([, from]) => from >= 250)).toBe(true);
      } finally {
        head.mockRestore();
      }
    });
  },
);

import { afterAll, beforeAll, expect, it } from "vitest";
import type { Services } from "@/server/services";
import type { Command, Doc, FlushRequest, RemoteChanges } from "@/sync";
import {
  callerFor,
  codeOf,
  codeOfError,
  createUsers,
  newServices,
  type TestUser,
} from "../../../../test/api";
import { addItem, addList } from "../../../../test/board-commands";
import { describeEachTransport } from "../../../../test/transports";

describeEachTransport("sync API", (db, transport) => {
  let services: Services;
  let ada: TestUser;
  let bob: TestUser;
  let vic: TestUser;
  let eve: TestUser;
  let boardId: string;
  const seq = new Map<string, number>();
  /** A flush from `clientId` with the next batchSeq, based on `from`. */
  const request = (
    clientId: string,
    from: number,
    commands: Command[],
  ): FlushRequest & { boardId: string } => {
    const batchSeq = (seq.get(clientId) ?? 0) + 1;
    seq.set(clientId, batchSeq);
    return { boardId, clientId, batchSeq, from, commands };
  };

  beforeAll(async () => {
    services = newServices(db(), { checkpointEvery: 50 });
    [ada, bob, vic, eve] = (await createUsers(db(), "ada", "bob", "vic", "eve")) as TestUser[] as [
      TestUser,
      TestUser,
      TestUser,
      TestUser,
    ];
    ({ id: boardId } = await callerFor(services, ada).board.create({ title: "Sprint" }));
    await callerFor(services, ada).board.invite({ boardId, email: bob.email, role: "editor" });
    await callerFor(services, ada).board.invite({ boardId, email: vic.email, role: "viewer" });
    await transport.serve(services);
  });
  afterAll(() => services.close());
  const as = (user: TestUser | null) => transport.as(user);

  it("authorisation: anonymous UNAUTHORIZED, non-member NOT_FOUND, viewer may read but not flush", async () => {
    const flush = request("x", 0, []);
    expect(await codeOf(as(null).sync.load({ boardId }))).toBe("UNAUTHORIZED");
    expect(await codeOf(as(null).sync.flush(flush))).toBe("UNAUTHORIZED");
    expect(await codeOf(as(eve).sync.load({ boardId }))).toBe("NOT_FOUND");
    expect(await codeOf(as(eve).sync.flush(flush))).toBe("NOT_FOUND");
    expect(await codeOf(as(ada).sync.load({ boardId: "no-such-board" }))).toBe("NOT_FOUND");
    expect((await as(vic).sync.load({ boardId })).version).toBe(0);
    expect(await codeOf(as(vic).sync.flush(request("vic-1", 0, [addList("v")])))).toBe("FORBIDDEN");
    expect((await as(ada).sync.load({ boardId })).version).toBe(0);
  });

  it("flush applies commands, stamps createdAt/createdBy from the server, and answers per SPEC M2", async () => {
    const before = Date.now();
    const response = await as(ada).sync.flush(
      request("ada-1", 0, [
        addList("l1", "Todo"),
        {
          ...addItem("l1", "i1", "milk"),
          props: {
            text: "milk",
            done: false,
            order: "a0",
            createdBy: "mallory",
            createdAt: "1999",
          },
        },
      ]),
    );
    expect(response.version).toBe(2);
    expect(response.errors).toEqual([]);
    expect(response.sync).toBeUndefined(); // S1: `applied` moves the client's base
    const item = response.applied.completions[1]?.props as Doc;
    expect(item.createdBy).toBe(ada.id);
    expect(Date.parse(item.createdAt as string)).toBeGreaterThanOrEqual(before - 1000);
    const { document } = await as(bob).sync.load({ boardId });
    expect(((document.lists as Doc).l1 as Doc).items).toEqual({ i1: item });
  });

  it("renaming the board in its document renames it in board.list", async () => {
    const { version } = await as(ada).sync.load({ boardId });
    await as(ada).sync.flush(
      request("ada-title", version, [{ action: "update", path: [], props: { title: "Sprint 2" } }]),
    );
    expect((await as(bob).board.list()).find((b) => b.id === boardId)?.title).toBe("Sprint 2");
  });

  it("refused commands are reported one by one; the rest of the flush applies", async () => {
    const { version } = await as(bob).sync.load({ boardId });
    const response = await as(bob).sync.flush(
      request("bob-1", version, [
        { action: "update", path: ["lists", "l1"], props: { color: "red" } },
        {
          action: "update",
          path: ["lists", "l1", "items", "i1"],
          props: { text: "x".repeat(2001) },
        },
        { action: "update", path: [], props: { title: "y".repeat(201) } },
        { action: "create", path: ["cards"], createdId: "c1" },
        { action: "update", path: ["lists", "l1", "items", "i1"], props: { done: true } },
      ]),
    );
    expect(response.errors.map((e) => [e.index, e.message])).toEqual([
      [0, 'a list has no field "color" (allowed: title, order)'],
      [1, "text must be at most 2,000 characters"],
      [2, "title must be at most 200 characters"],
      [3, '["cards"] is not a place on a board'],
    ]);
    expect(response.version).toBe(version + 1);
  });

  it("bad input is refused whole with BAD_REQUEST naming the field and the limit, changing nothing", async () => {
    const { version } = await as(ada).sync.load({ boardId });
    const tooMany = Array.from({ length: 501 }, (_, i) => addList(`n${i}`));
    await expect(
      as(ada).sync.flush({
        boardId,
        clientId: "bad",
        batchSeq: 1,
        from: version,
        commands: tooMany,
      }),
    ).rejects.toThrow("commands: must hold at most 500 commands");
    const big = [{ ...addList("big"), props: { title: "t", order: "z".repeat(300_000) } }];
    await expect(
      as(ada).sync.flush({ boardId, clientId: "bad", batchSeq: 1, from: version, commands: big }),
    ).rejects.toThrow(/commands: must be at most 256 KB in all/);
    const deep = [{ action: "delete" as const, path: Array(9).fill("a") }];
    await expect(
      as(ada).sync.flush({ boardId, clientId: "bad", batchSeq: 1, from: version, commands: deep }),
    ).rejects.toThrow("commands.0.path: must have at most 8 segments");
    await expect(
      as(ada).sync.flush({ boardId, clientId: "bad", batchSeq: -1, from: -1, commands: [] }),
    ).rejects.toThrow("batchSeq: must be at least 0; from: must be at least 0");
    await expect(
      as(ada).sync.flush({
        boardId,
        clientId: "bad",
        batchSeq: 0,
        from: 0,
        commands: [addList("z")],
      }),
    ).rejects.toThrow("batchSeq: must be at least 1 for a flush of commands (0 only to catch up)");
    expect(
      await codeOf(
        as(ada).sync.flush({ boardId, clientId: "bad", batchSeq: 3, from: version, commands: [] }),
      ),
    ).toBe("BAD_REQUEST");
    expect((await as(ada).sync.load({ boardId })).version).toBe(version);
  });

  it("F2 F4 what an instance remembers of a client's flushes holds only until another instance writes", async () => {
    const other = newServices(db());
    try {
      const onOther = callerFor(other, ada);
      const flush = (batchSeq: number, commands: Command[]) => ({
        boardId,
        clientId: "two-instances",
        batchSeq,
        from: 0,
        commands,
      });
      await as(ada).sync.flush(flush(1, [addList("two"), addItem("two", "t1", "one")])); // remembered
      // The next flush goes to another instance and changes nothing (refused), so the board's
      // version stays; this instance must still learn of it.
      const refused = await onOther.sync.flush(
        flush(2, [{ action: "update", path: ["lists", "two"], props: { color: "red" } }]),
      );
      expect(refused.errors).toHaveLength(1);
      const third = await as(ada).sync.flush(flush(3, [addItem("two", "t3", "three")]));
      expect(third.errors).toEqual([]);
      // Its retry on the other instance (which last saw batch 2) is answered, not applied again.
      const retried = await onOther.sync.flush(flush(3, [addItem("two", "t3", "three")]));
      expect(JSON.parse(JSON.stringify(retried))).toEqual(JSON.parse(JSON.stringify(third)));
    } finally {
      await other.close();
    }
  });

  it("F4 a retried flush is not applied twice and gets the same answer, also after a restart", async () => {
    const { version } = await as(ada).sync.load({ boardId });
    const flush = request("ada-retry", version, [addItem("l1", "r1", "retry me")]);
    const first = await as(ada).sync.flush(flush);
    const again = await as(ada).sync.flush(flush);
    expect(again).toEqual(first);
    const restarted = newServices(db());
    const afterRestart = await callerFor(restarted, ada).sync.flush(flush);
    await restarted.close();
    expect(afterRestart).toEqual(first);
    expect((await as(ada).sync.load({ boardId })).version).toBe(version + 1);
  });

  it("F8 batchSeq 0 catches up without writing anything, before and after the client's batches", async () => {
    const { version } = await as(ada).sync.load({ boardId });
    const batches = () => db().prisma.boardBatch.count({ where: { boardId } });
    /** Bob's page flushing `commands` under `batchSeq` from `from`. */
    const bobFlush = (batchSeq: number, from: number, commands: Command[] = []) =>
      as(bob).sync.flush({ boardId, clientId: "bob-catch-up", batchSeq, from, commands });
    const before = await batches();
    const caughtUp = await bobFlush(0, version - 1);
    expect(caughtUp.version).toBe(version);
    expect(caughtUp.applied).toEqual({ from: version, completions: [] });
    expect(caughtUp.sync).toMatchObject({ kind: "diff", from: version - 1 });
    expect(await batches()).toBe(before);
    // It took no batchSeq: the client's first batch is still 1, and is recorded.
    const first = await bobFlush(1, version, [addItem("l1", "f8", "after a catch-up")]);
    expect(first.applied.from).toBe(version);
    expect(await batches()).toBe(before + 1);
    const after = await bobFlush(0, version);
    expect(after).toMatchObject({ version: version + 1, applied: { from: version + 1 } });
    expect(after.sync).toMatchObject({ kind: "diff", from: version });
    expect(await batches()).toBe(before + 1);
    // An empty flush under the last batchSeq is still a retry of that batch (F4).
    expect(await bobFlush(1, version)).toEqual(first);
  });

  it("group commit: concurrent flushes from many clients all apply, with contiguous versions", async () => {
    const { version } = await as(ada).sync.load({ boardId });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        as(i % 2 ? ada : bob).sync.flush(request(`burst-${i}`, version, [addItem("l1", `b${i}`)])),
      ),
    );
    expect(responses.every((r) => r.errors.length === 0)).toBe(true);
    const ends = responses.map((r) => r.applied.from + 1).sort((a, b) => a - b);
    expect(ends).toEqual(Array.from({ length: 20 }, (_, i) => version + 1 + i));
    const rows = await db().prisma.boardCommand.findMany({
      where: { boardId },
      select: { version: true },
      orderBy: { version: "asc" },
    });
    expect(rows.map((r) => r.version)).toEqual(
      Array.from({ length: version + 20 }, (_, i) => i + 1),
    );
    // A fresh service (no cache) loads the same document from checkpoint + history.
    const cold = newServices(db(), { checkpointEvery: 50 });
    expect(await cold.boards.load(boardId)).toEqual(await services.boards.load(boardId));
    await cold.close();
  });

  it("subscribe: catches up from lastEventId, then streams new versions once and in order", async () => {
    const { version: start } = await as(ada).sync.load({ boardId });
    await as(bob).sync.flush(request("bob-sub", start, [addItem("l1", "s1")]));
    const controller = new AbortController();
    const caller = transport.as(ada, { signal: controller.signal });
    const stream = await caller.sync.subscribe({ boardId, lastEventId: String(start) });
    const received: { id: string; from: number; count: number }[] = [];
    const reading = (async () => {
      // Each event is tracked(String(version), { from, completions }). Over HTTP a client sees
      // { id, data }; an in-process caller gets the raw [id, data] envelope the types do not show.
      for await (const [id, data] of stream as unknown as AsyncIterable<[string, RemoteChanges]>) {
        received.push({ id, from: data.from, count: data.completions.length });
        if (Number(id) >= start + 3) break;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await as(bob).sync.flush(request("bob-sub", start + 1, [addItem("l1", "s2")]));
    await as(bob).sync.flush(request("bob-sub", start + 2, [addItem("l1", "s3")]));
    await reading;
    controller.abort();
    const versions = received.flatMap((e) =>
      Array.from({ length: e.count }, (_, i) => e.from + 1 + i),
    );
    expect(versions).toEqual([start + 1, start + 2, start + 3]);
    expect(received[0]).toEqual({ id: String(start + 1), from: start, count: 1 });
  });

  it("subscribe: non-members get NOT_FOUND", async () => {
    const error = await (async () => {
      try {
        const stream = await as(eve).sync.subscribe({ boardId });
        for await (const _ of stream as AsyncIterable<unknown>) break;
      } catch (e) {
        return e;
      }
    })();
    expect(codeOfError(error)).toBe("NOT_FOUND");
  });
});

import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { Command } from "@/sync";
import { createUsers, type TestUser } from "../../../../test/api";
import { describeEachDatabase } from "../../../../test/databases";
import { LocalBoardEvents } from "../live/BoardEvents";
import { BoardService } from "./BoardService";

const addItem = (text: string): Command => ({
  action: "create",
  path: ["lists", "l", "items"],
  props: { text, done: false },
});

describeEachDatabase("hot boards in memory", (db) => {
  let owner: TestUser;
  const services: BoardService[] = [];
  beforeAll(async () => {
    [owner] = (await createUsers(db(), "hot-owner")) as [TestUser];
  });
  afterAll(async () => {
    for (const service of services) await service.close();
  });

  async function boardsOn(service: BoardService, count: number, prefix: string) {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    for (const id of ids) {
      await service.create({ id, title: id, ownerId: owner.id });
      await service.flush(
        id,
        {
          clientId: `${id}-c`,
          batchSeq: 1,
          from: 0,
          commands: [{ action: "create", path: ["lists"], createdId: "l", props: { title: "L" } }],
        },
        owner.id,
      );
    }
    return ids;
  }

  it("keeps at most maxBoards, drops the least recently used, and reloads a dropped one intact", async () => {
    const service = new BoardService(db().prisma, new LocalBoardEvents(), { maxBoards: 3 });
    services.push(service);
    const [b0, b1, b2, b3, b4] = (await boardsOn(service, 5, "count")) as string[];
    expect(service.hotBoards).toBe(3);
    expect([b2, b3, b4].map((id) => service.isHot(id as string))).toEqual([true, true, true]);
    // Using b2 makes it the most recent: the next board in pushes b3 out, not b2.
    await service.load(b2 as string);
    await service.load(b0 as string);
    expect(service.isHot(b2 as string)).toBe(true);
    expect(service.isHot(b3 as string)).toBe(false);
    expect(service.hotBoards).toBe(3);
    // A dropped board comes back from the database as it was, and takes the next flush.
    expect(service.isHot(b1 as string)).toBe(false);
    const answer = await service.flush(
      b1 as string,
      { clientId: `${b1}-c`, batchSeq: 2, from: 1, commands: [addItem("after reload")] },
      owner.id,
    );
    expect(answer.version).toBe(2);
    // Dropped again, a retry of that batch is still recognised (outcomes live in the database).
    for (const other of [b3, b4, b0]) await service.load(other as string);
    expect(service.isHot(b1 as string)).toBe(false);
    const retried = await service.flush(
      b1 as string,
      { clientId: `${b1}-c`, batchSeq: 2, from: 1, commands: [addItem("after reload")] },
      owner.id,
    );
    expect(retried.version).toBe(2);
    const { document } = await service.load(b1 as string);
    const lists = document.lists as Record<string, { items: object }>;
    const items = Object.values(lists.l?.items ?? {});
    expect(items).toEqual([expect.objectContaining({ text: "after reload" })]);
    expect(service.hotBoards).toBeLessThanOrEqual(3);
  });

  it("F8 a page's catch-ups read no outcome and write nothing", async () => {
    const service = new BoardService(db().prisma, new LocalBoardEvents());
    services.push(service);
    const [boardId] = (await boardsOn(service, 1, "catch-up")) as [string];
    const reads = vi.spyOn(service.store, "clientOutcomes");
    for (let i = 0; i < 5; i++) {
      const answer = await service.flush(
        boardId,
        { clientId: "watcher", batchSeq: 0, from: 0, commands: [] },
        owner.id,
      );
      expect(answer.sync).toMatchObject({ kind: "diff", from: 0 });
    }
    expect(reads).not.toHaveBeenCalled();
    // Its first batch is still 1, applied and recorded.
    const first = await service.flush(
      boardId,
      { clientId: "watcher", batchSeq: 1, from: 1, commands: [addItem("watched")] },
      owner.id,
    );
    expect(first.errors).toEqual([]);
    expect(first.version).toBe(2);
  });

  it("keeps the approximate bytes under maxBytes", async () => {
    const maxBytes = 40_000;
    const service = new BoardService(db().prisma, new LocalBoardEvents(), { maxBytes });
    services.push(service);
    const ids = await boardsOn(service, 4, "bytes");
    // Each board grows by about 16 kB: two items of 2,000 characters, as UTF-16, kept twice.
    for (const id of ids) {
      const text = "x".repeat(2_000);
      const answer = await service.flush(
        id,
        { clientId: `${id}-c`, batchSeq: 2, from: 1, commands: [addItem(text), addItem(text)] },
        owner.id,
      );
      expect(answer.errors).toEqual([]);
      expect(service.hotBytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(service.hotBoards).toBeLessThan(4);
    expect(service.isHot(ids[3] as string)).toBe(true);
  });
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { BOARD_FULL_MESSAGE } from "@/board";
import type { Services } from "@/server/services";
import type { Command, Doc } from "@/sync";
import { callerFor, createUsers, newServices, type TestUser } from "../../../../test/api";
import { describeEachDatabase } from "../../../../test/databases";

describeEachDatabase("board rules", (db) => {
  let services: Services;
  let ada: TestUser;
  beforeAll(async () => {
    services = newServices(db());
    [ada] = (await createUsers(db(), "ada")) as [TestUser];
  });
  afterAll(() => services.close());

  it("a board holds at most 5,000 items, counted across lists, deletes, and a reload", async () => {
    const api = callerFor(services, ada);
    const { id: boardId } = await api.board.create({ title: "Big" });
    let batchSeq = 0;
    const flush = async (commands: Command[]) => {
      const { version } = await api.sync.load({ boardId });
      return api.sync.flush({
        boardId,
        clientId: "c",
        batchSeq: ++batchSeq,
        from: version,
        commands,
      });
    };
    await flush([
      { action: "create", path: ["lists"], createdId: "a", props: { title: "A" } },
      { action: "create", path: ["lists"], createdId: "b", props: { title: "B" } },
    ]);
    const items = (list: string, from: number, n: number): Command[] =>
      Array.from({ length: n }, (_, i) => ({
        action: "create",
        path: ["lists", list, "items"],
        createdId: `${list}${from + i}`,
        props: { text: `item ${from + i}` },
      }));
    // 4,000 in list a and 999 in b: one short of full (at most 500 commands a flush).
    for (let from = 0; from < 4000; from += 500) {
      expect((await flush(items("a", from, 500))).errors).toEqual([]);
    }
    expect((await flush(items("b", 0, 499))).errors).toEqual([]);
    expect((await flush(items("b", 499, 500))).errors).toEqual([]);
    const full = await flush(items("b", 999, 2));
    expect(full.errors).toEqual([
      { index: 1, action: "create", path: ["lists", "b", "items"], message: BOARD_FULL_MESSAGE },
    ]);
    expect(BOARD_FULL_MESSAGE).toBe("This board is full: 5,000 items at most");

    // Deleting frees room; deleting a whole list frees all its items.
    expect(
      (
        await flush([
          { action: "delete", path: ["lists", "a", "items", "a0"] },
          ...items("b", 1100, 2),
        ])
      ).errors,
    ).toHaveLength(1);
    expect(
      (await flush([{ action: "delete", path: ["lists", "a"] }, ...items("b", 1200, 3)])).errors,
    ).toEqual([]);

    // A fresh service counts the stored board again: b holds 1,004, so 3,996 more fit.
    const cold = newServices(db());
    const coldApi = callerFor(cold, ada);
    const { version, document } = await coldApi.sync.load({ boardId });
    const count = Object.keys(((document.lists as Doc).b as Doc).items as Doc).length;
    expect(count).toBe(1004);
    let from = version;
    const refused: number[] = [];
    for (let start = 0; start < 3998; start += 500) {
      const more = await coldApi.sync.flush({
        boardId,
        clientId: "c2",
        batchSeq: start / 500 + 1,
        from,
        commands: items("b", 2000 + start, Math.min(500, 3998 - start)),
      });
      from = more.version;
      refused.push(...more.errors.map((e) => start + e.index));
    }
    expect(refused).toEqual([3996, 3997]);
    await cold.close();
  });

  it("new lists start with no items; an item's client timestamps are replaced", async () => {
    const api = callerFor(services, ada);
    const { id: boardId } = await api.board.create({ title: "Shape" });
    const response = await api.sync.flush({
      boardId,
      clientId: "s",
      batchSeq: 1,
      from: 0,
      commands: [
        { action: "create", path: ["lists"], createdId: "l", props: { title: "L", order: "a0" } },
        {
          action: "create",
          path: ["lists"],
          createdId: "bad",
          props: { title: "L", items: { x: {} } },
        },
        {
          action: "create",
          path: ["lists", "l", "items"],
          createdId: "i",
          props: { text: "t", done: "yes" },
        },
      ],
    });
    expect(response.errors.map((e) => e.message)).toEqual([
      "a new list's items must be empty",
      "done must be true or false",
    ]);
    expect(response.applied.completions[0]?.props).toEqual({ title: "L", order: "a0", items: {} });
  });
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { BOARD_FULL_MESSAGE } from "@/board";
import type { Services } from "@/server/services";
import type { Command, Doc } from "@/sync";
import { callerFor, createUsers, newServices, type TestUser } from "../../../test/api";
import { describeEachDatabase } from "../../../test/databases";

describeEachDatabase("board rules", (db) => {
  let services: Services;
  let ada: TestUser;
  beforeAll(async () => {
    services = newServices(db());
    [ada] = (await createUsers(db(), "ada")) as [TestUser];
  });
  afterAll(() => services.close());

  it("a board holds at most 1,000 items, counted across lists, deletes, and a reload", async () => {
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
    expect((await flush(items("a", 0, 500))).errors).toEqual([]);
    expect((await flush(items("b", 0, 499))).errors).toEqual([]);
    const full = await flush(items("b", 499, 2));
    expect(full.errors).toEqual([
      { index: 1, action: "create", path: ["lists", "b", "items"], message: BOARD_FULL_MESSAGE },
    ]);

    // Deleting frees room; deleting a whole list frees all its items.
    expect(
      (
        await flush([
          { action: "delete", path: ["lists", "a", "items", "a0"] },
          ...items("b", 600, 2),
        ])
      ).errors,
    ).toHaveLength(1);
    expect(
      (await flush([{ action: "delete", path: ["lists", "a"] }, ...items("b", 700, 3)])).errors,
    ).toEqual([]);

    // A fresh service counts the stored board again.
    const cold = newServices(db());
    const coldApi = callerFor(cold, ada);
    const { version, document } = await coldApi.sync.load({ boardId });
    const count = Object.keys(((document.lists as Doc).b as Doc).items as Doc).length;
    expect(count).toBe(504);
    const more = await coldApi.sync.flush({
      boardId,
      clientId: "c2",
      batchSeq: 1,
      from: version,
      commands: items("b", 800, 498),
    });
    expect(more.errors.map((e) => e.index)).toEqual([496, 497]);
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

import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { Services } from "@/server/services";
import { callerFor, createUsers, newServices, type TestUser } from "../../../../test/api";
import { addItem, addList } from "../../../../test/board-commands";
import { describeEachDatabase } from "../../../../test/databases";
import { until } from "../../../../test/until";

describeEachDatabase("a load racing a write on the same instance", (db) => {
  let a: Services;
  let b: Services;
  let ada: TestUser;
  beforeAll(async () => {
    a = newServices(db());
    b = newServices(db());
    [ada] = (await createUsers(db(), "race-ada")) as [TestUser];
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("answers a version and the document at that version while the cached board moves on", async () => {
    const onA = callerFor(a, ada);
    const onB = callerFor(b, ada);
    const { id: boardId } = await onA.board.create({ title: "Race" });
    const v1 = await onA.sync.flush({
      boardId,
      clientId: "a",
      batchSeq: 1,
      from: 0,
      commands: [addList("l"), addItem("l", "x", "milk")],
    });
    // Another instance deletes x: A's cached board is now behind the database.
    const v2 = await onB.sync.flush({
      boardId,
      clientId: "b",
      batchSeq: 1,
      from: v1.version,
      commands: [{ action: "delete", path: ["lists", "l", "items", "x"] }],
    });

    // A's load reads what it missed slowly; meanwhile a flush on A catches up and moves on.
    const store = a.boards.store;
    const read = store.readCommands.bind(store);
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = false;
    const spy = vi.spyOn(store, "readCommands").mockImplementation(async (...args) => {
      if (!held) {
        held = true;
        await gate;
      }
      return read(...args);
    });
    try {
      const loading = onA.sync.load({ boardId });
      await until(() => held);
      const v3 = await onA.sync.flush({
        boardId,
        clientId: "a",
        batchSeq: 2,
        from: v2.version,
        commands: [addItem("l", "y", "eggs")],
      });
      expect(v3.errors).toEqual([]);
      release();
      const loaded = await loading;
      // Whatever version it answers, the document is the board at that version.
      const stored = await onA.history.stateAt({ boardId, version: loaded.version });
      expect(loaded.document).toEqual(stored.document);
      expect(loaded.version).toBeGreaterThanOrEqual(v2.version);
    } finally {
      spy.mockRestore();
    }
    const now = await onA.sync.load({ boardId });
    expect(Object.keys((now.document.lists as { l: { items: object } }).l.items)).toEqual(["y"]);
  });
});

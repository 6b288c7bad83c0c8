import { afterAll, beforeAll, expect, it } from "vitest";
import type { Services } from "@/server/services";
import { type Command, type Doc, newId } from "@/sync";
import { createUsers, failure, newServices, type TestUser } from "../../../../test/api";
import { addItem, addList, setItem, userActions } from "../../../../test/board-commands";
import { describeEachTransport } from "../../../../test/transports";

const deleteItem = (list: string, id: string): Command => ({
  action: "delete",
  path: ["lists", list, "items", id],
});
const deleteList = (list: string): Command => ({ action: "delete", path: ["lists", list] });

describeEachTransport("item history, the bin and restoring items", (db, transport) => {
  let services: Services;
  let ada: TestUser;
  let bob: TestUser;
  let vic: TestUser;
  const as = (user: TestUser) => transport.as(user);
  const act = userActions(as);
  /** One user action by `user`; answers the version after it. */
  const edit = async (user: TestUser, boardId: string, label: string, commands: Command[]) =>
    (await act(user, boardId, label, commands)).version;

  async function lists(boardId: string) {
    const { document } = await as(ada).sync.load({ boardId });
    return document.lists as Record<string, { title: string; items: Record<string, Doc> }>;
  }

  /** A board shared with Bob (editor) and Vic (viewer), with lists l1 and l2. */
  async function newBoard(): Promise<string> {
    const { id } = await as(ada).board.create({ title: "Groceries" });
    await as(ada).board.invite({ boardId: id, email: bob.email, role: "editor" });
    await as(ada).board.invite({ boardId: id, email: vic.email, role: "viewer" });
    await edit(ada, id, "Add list", [addList("l1", "Food"), { ...addList("l2", "Other") }]);
    return id;
  }

  beforeAll(async () => {
    services = newServices(db(), { checkpointEvery: 5 });
    [ada, bob, vic] = (await createUsers(db(), "Ada", "Bob", "Vic")) as [
      TestUser,
      TestUser,
      TestUser,
    ];
    await transport.serve(services);
  });
  afterAll(() => services.close());

  it("an item's history lists every entry that touched it, newest first, with the item before and after", async () => {
    const boardId = await newBoard();
    const created = await edit(ada, boardId, "Add item", [addItem("l1", "x", "milk")]);
    await edit(ada, boardId, "Add item", [addItem("l1", "y", "eggs")]);
    await edit(bob, boardId, "Edit item", [setItem("l1", "x", { text: "oat milk" })]);
    await edit(bob, boardId, "Edit item", [setItem("l1", "y", { text: "brown eggs" })]);
    await edit(ada, boardId, "Check item", [setItem("l1", "x", { done: true })]);
    await edit(ada, boardId, "Move item", [setItem("l1", "x", { order: "a5" })]);
    await edit(bob, boardId, "Delete item", [deleteItem("l1", "x")]);

    const { entries, nextCursor } = await as(vic).history.list({ boardId, itemId: "x" });
    expect(nextCursor).toBeNull();
    expect(entries.map((e) => [e.label, e.user.name])).toEqual([
      ["Delete item", "Bob"],
      ["Move item", "Ada"],
      ["Check item", "Ada"],
      ["Edit item", "Bob"],
      ["Add item", "Ada"],
    ]);
    const [deleted, moved, checked, changed, added] = entries;
    expect(added?.item).toEqual({
      before: null,
      after: { listId: "l1", text: "milk", done: false, order: "a0" },
    });
    expect(added?.toVersion).toBe(created);
    expect(changed?.item?.before?.text).toBe("milk");
    expect(changed?.item?.after?.text).toBe("oat milk");
    expect([checked?.item?.before?.done, checked?.item?.after?.done]).toEqual([false, true]);
    expect([moved?.item?.before?.order, moved?.item?.after?.order]).toEqual(["a0", "a5"]);
    expect(deleted?.item).toEqual({
      before: { listId: "l1", text: "oat milk", done: true, order: "a5" },
      after: null,
    });
    // Only the item's own commands come with each entry.
    expect(changed?.commands).toEqual([
      expect.objectContaining({ action: "update", path: ["lists", "l1", "items", "x"] }),
    ]);

    // Pages, as the timeline's.
    const first = await as(ada).history.list({ boardId, itemId: "x", limit: 2 });
    expect(first.entries.map((e) => e.label)).toEqual(["Delete item", "Move item"]);
    const rest = await as(ada).history.list({
      boardId,
      itemId: "x",
      limit: 10,
      cursor: first.nextCursor ?? "",
    });
    expect(rest.entries.map((e) => e.label)).toEqual(["Check item", "Edit item", "Add item"]);
    // In another list, the item has no history.
    expect(await failure(as(ada).history.list({ boardId, itemId: "x", listId: "l2" }))).toMatch(
      /^NOT_FOUND: This board has no item x/,
    );
  });

  it("restoring an item brings back its text, done state, list and order as one undoable restore entry", async () => {
    const boardId = await newBoard();
    const original = await edit(ada, boardId, "Add item", [addItem("l1", "x", "milk")]);
    await edit(bob, boardId, "Edit item", [setItem("l1", "x", { text: "beer", done: true })]);

    const { entry, version } = await as(ada).history.restoreItem({
      boardId,
      itemId: "x",
      version: original,
      entryId: newId(),
    });
    expect(entry).toMatchObject({
      kind: "restore",
      label: "Restore “milk”",
      user: { name: "Ada" },
    });
    expect(version).toBe(original + 2);
    expect((await lists(boardId)).l1?.items.x).toMatchObject({ text: "milk", done: false });
    const timeline = await as(ada).history.list({ boardId });
    expect(timeline.entries[0]).toMatchObject({ kind: "restore", actionId: entry.actionId });
    const itemStory = await as(ada).history.list({ boardId, itemId: "x" });
    expect(itemStory.entries[0]?.item?.after?.text).toBe("milk");

    // Undo takes the restore back.
    await as(ada).history.undo({ boardId });
    expect((await lists(boardId)).l1?.items.x).toMatchObject({ text: "beer", done: true });
    // Nothing to restore when the item is as it was.
    await as(ada).history.redo({ boardId });
    expect(
      await failure(as(ada).history.restoreItem({ boardId, itemId: "x", version: original })),
    ).toMatch(/^PRECONDITION_FAILED: “milk” is already as it was at version \d+/);
  });

  it("an item whose list was deleted is restored into the first list, and the answer says so", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add list", [
      { ...addList("l3", "Gone"), props: { title: "Gone", order: "a9" } },
    ]);
    const before = await edit(ada, boardId, "Add item", [addItem("l3", "x", "tent")]);
    await edit(bob, boardId, "Delete list", [deleteList("l3")]);

    const answer = await as(ada).history.restoreItem({ boardId, itemId: "x", version: before });
    expect(answer.notice).toBe("The list “Gone” no longer exists: “tent” was restored into “Food”");
    const now = await lists(boardId);
    expect(now.l3).toBeUndefined();
    expect(now.l1?.items.x).toMatchObject({ text: "tent", done: false });
    // Its history follows it: created in Gone, gone with the list, restored into Food.
    const story = await as(ada).history.list({ boardId, itemId: "x" });
    expect(
      story.entries.map((e) => [
        e.kind,
        e.item?.before?.listId ?? null,
        e.item?.after?.listId ?? null,
      ]),
    ).toEqual([
      ["restore", null, "l1"],
      ["edit", "l3", null],
      ["edit", null, "l3"],
    ]);
  });

  it("the bin lists what was deleted and not back, newest first; restoring takes it out", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "x", "milk")]);
    await edit(ada, boardId, "Add item", [addItem("l2", "y", "stamps")]);
    await edit(ada, boardId, "Check item", [setItem("l2", "y", { done: true })]);
    await edit(bob, boardId, "Delete item", [deleteItem("l1", "x")]);
    await edit(bob, boardId, "Delete list", [deleteList("l2")]);

    const bin = await as(vic).history.deleted({ boardId, limit: 10 });
    expect(bin.nextCursor).toBeNull();
    expect(bin.entries.map((e) => [e.kind, e.text, e.user.name])).toEqual([
      ["list", "Other", "Bob"],
      ["item", "milk", "Bob"],
    ]);

    // An item deleted, restored, deleted again is listed once, for its latest deletion.
    const milk = bin.entries[1];
    await as(ada).history.restoreItem({ boardId, itemId: "x", version: milk?.version ?? 0 });
    expect((await as(ada).history.deleted({ boardId, limit: 10 })).entries).toHaveLength(1);
    await edit(ada, boardId, "Edit item", [setItem("l1", "x", { text: "milk!" })]);
    await edit(ada, boardId, "Delete item", [deleteItem("l1", "x")]);
    const again = await as(ada).history.deleted({ boardId, limit: 1 });
    expect(again.entries.map((e) => [e.kind, e.text, e.user.name])).toEqual([
      ["item", "milk!", "Ada"],
    ]);
    const older = await as(ada).history.deleted({
      boardId,
      limit: 1,
      cursor: again.nextCursor ?? "",
    });
    expect(older.entries.map((e) => e.text)).toEqual(["Other"]);
    expect(older.nextCursor).toBeNull();

    // A list comes back with its items.
    const list = older.entries[0];
    const restored = await as(bob).history.restoreList({
      boardId,
      listId: "l2",
      version: list?.version ?? 0,
    });
    expect(restored.entry).toMatchObject({ kind: "restore", label: "Restore list “Other”" });
    expect((await lists(boardId)).l2?.items.y).toMatchObject({ text: "stamps", done: true });
    const left = await as(ada).history.deleted({ boardId, limit: 10 });
    expect(left.entries.map((e) => e.text)).toEqual(["milk!"]);
  });

  it("viewers read item history and the bin but cannot restore; bad input changes nothing", async () => {
    const boardId = await newBoard();
    const v = await edit(ada, boardId, "Add item", [addItem("l1", "x", "milk")]);
    await edit(ada, boardId, "Delete item", [deleteItem("l1", "x")]);
    expect(await failure(as(vic).history.restoreItem({ boardId, itemId: "x", version: v }))).toBe(
      "FORBIDDEN: A viewer cannot restore items on this board",
    );
    expect(
      await failure(as(vic).history.restoreList({ boardId, listId: "l1", version: v })),
    ).toMatch(/^FORBIDDEN/);
    const head = (await as(ada).sync.load({ boardId })).version;
    expect(
      await failure(as(ada).history.restoreItem({ boardId, itemId: "x", version: head + 5 })),
    ).toBe(`BAD_REQUEST: version must be at most ${head}, the board's latest`);
    expect(
      await failure(as(ada).history.restoreItem({ boardId, itemId: "nope", version: v })),
    ).toBe(`NOT_FOUND: This board had no item nope at version ${v}`);
    expect(await failure(as(ada).history.restoreList({ boardId, listId: "l1", version: v }))).toBe(
      "PRECONDITION_FAILED: The list “Food” is on the board already",
    );
    expect(await failure(as(ada).history.list({ boardId, itemId: "nope" }))).toBe(
      "NOT_FOUND: This board has no item nope",
    );
    expect(await failure(as(ada).history.list({ boardId, listId: "l1" }))).toMatch(
      /^BAD_REQUEST: .*listId.*must come with itemId/s,
    );
    expect(await failure(as(ada).history.deleted({ boardId, limit: 0 }))).toMatch(
      /^BAD_REQUEST: .*limit.*must be at least 1/s,
    );
    expect(await failure(as(ada).history.deleted({ boardId, cursor: "x" }))).toMatch(
      /^BAD_REQUEST: .*cursor.*must be a cursor from an earlier page/s,
    );
    expect((await as(ada).sync.load({ boardId })).version).toBe(head);
    expect(await failure(as(bob).history.deleted({ boardId: "no-such-board" }))).toMatch(
      /^NOT_FOUND/,
    );
  });
});

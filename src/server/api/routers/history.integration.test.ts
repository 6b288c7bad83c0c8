import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Services } from "@/server/services";
import { type Command, type Doc, replayCompletions } from "@/sync";
import { seededRandom } from "@/sync/testing/random";
import { callerFor, createUsers, failure, newServices, type TestUser } from "../../../../test/api";
import { addItem, addList, setItem, userActions } from "../../../../test/board-commands";
import { describeEachTransport } from "../../../../test/transports";

type Items = Record<string, { text: string; done: boolean }>;

describeEachTransport("history API", (db, transport) => {
  let services: Services;
  let ada: TestUser;
  let bob: TestUser;
  let vic: TestUser;
  const as = (user: TestUser | null) => transport.as(user);
  const act = userActions((user) => as(user));
  /** One user action by `user`; answers its action id. */
  const edit = async (user: TestUser, boardId: string, label: string, commands: Command[]) =>
    (await act(user, boardId, label, commands)).actionId;

  async function items(boardId: string, list = "l1"): Promise<Items> {
    const { document } = await as(ada).sync.load({ boardId });
    return ((document.lists as Record<string, Doc>)[list]?.items ?? {}) as unknown as Items;
  }
  const texts = async (boardId: string) =>
    Object.fromEntries(Object.entries(await items(boardId)).map(([id, item]) => [id, item.text]));

  /** A board shared with Bob (editor) and Vic (viewer), with list l1. */
  async function newBoard(): Promise<string> {
    const { id } = await as(ada).board.create({ title: "Groceries" });
    await as(ada).board.invite({ boardId: id, email: bob.email, role: "editor" });
    await as(ada).board.invite({ boardId: id, email: vic.email, role: "viewer" });
    await edit(ada, id, "Add list", [addList("l1", "Groceries")]);
    return id;
  }

  beforeAll(async () => {
    // Checkpoints every 5 versions, so undo windows start at checkpoints between actions.
    services = newServices(db(), { checkpointEvery: 5 });
    [ada, bob, vic] = (await createUsers(db(), "Ada", "Bob", "Vic")) as [
      TestUser,
      TestUser,
      TestUser,
    ];
    await transport.serve(services);
  });
  afterAll(() => services.close());

  it("H3/H8 undo takes the caller's latest action and leaves what others did after it", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    const x = await edit(ada, boardId, "Add item", [addItem("l1", "b", "eggs")]);
    await edit(bob, boardId, "Add item", [addItem("l1", "c", "bread")]);
    await edit(bob, boardId, "Edit item", [setItem("l1", "a", { text: "oat milk" })]);
    const head = (await as(ada).sync.load({ boardId })).version;

    expect(await as(ada).history.canUndo({ boardId })).toEqual({ undo: true, redo: false });
    const { version, entry } = await as(ada).history.undo({ boardId });
    expect(version).toBe(head + 1);
    expect(entry).toMatchObject({
      kind: "undo",
      targetActionId: x,
      label: "Add item",
      user: { id: ada.id, name: "Ada" },
      fromVersion: head,
      toVersion: head + 1,
      undone: false,
      commands: [{ action: "delete", path: ["lists", "l1", "items", "b"] }],
    });
    expect(await texts(boardId)).toEqual({ a: "oat milk", c: "bread" });
    expect(await as(ada).history.canUndo({ boardId })).toEqual({ undo: true, redo: true });
    // Bob's undo is his own: his latest action, not Ada's.
    await as(bob).history.undo({ boardId });
    expect(await texts(boardId)).toEqual({ a: "milk", c: "bread" });
  });

  it("H5 undoing a create removes the later edits to it (others' too); redo brings them back", async () => {
    const boardId = await newBoard();
    const x = await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    await edit(bob, boardId, "Edit item", [setItem("l1", "a", { text: "oat milk" })]);
    await edit(bob, boardId, "Add item", [addItem("l1", "b", "eggs")]);
    await edit(bob, boardId, "Check item", [setItem("l1", "a", { done: true })]);
    const { entry } = await as(ada).history.undo({ boardId, actionId: x });
    expect(entry.targetActionId).toBe(x);
    expect(await texts(boardId)).toEqual({ b: "eggs" });
    const redone = await as(ada).history.redo({ boardId });
    expect(redone.entry).toMatchObject({ kind: "redo", targetActionId: x });
    expect(await items(boardId)).toMatchObject({
      a: { text: "oat milk", done: true },
      b: { text: "eggs" },
    });
  });

  it("H3 a rebuild reaches back to the actions that later undos switched, across checkpoints", async () => {
    const boardId = await newBoard(); // checkpoints every 5 versions
    const milk = await edit(ada, boardId, "Add item", [addItem("l1", "m", "milk")]); // v2
    for (const id of ["x", "y", "z"]) await edit(bob, boardId, "Add item", [addItem("l1", id)]);
    await edit(bob, boardId, "Delete item", [
      { action: "delete", path: ["lists", "l1", "items", "m"] },
    ]);
    // Ada's undo of "milk" changes nothing now (Bob deleted it), but it is undone...
    const { entry } = await as(ada).history.undo({ boardId, actionId: milk });
    expect(entry.commands).toEqual([]);
    // ...so when Bob undoes his delete (rebuilt from the checkpoint at 5), milk stays gone.
    await as(bob).history.undo({ boardId });
    expect(await texts(boardId)).toEqual({ x: "x", y: "y", z: "z" });
    await as(ada).history.redo({ boardId });
    expect(await texts(boardId)).toEqual({ m: "milk", x: "x", y: "y", z: "z" });
  });

  it("H4/H9 undo, redo, undo again; redo follows the undo stack and ends with a new action", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "a", "one")]);
    await edit(ada, boardId, "Add item", [addItem("l1", "b", "two")]);
    await edit(ada, boardId, "Add item", [addItem("l1", "c", "three")]);
    await as(ada).history.undo({ boardId });
    await as(ada).history.undo({ boardId });
    expect(await texts(boardId)).toEqual({ a: "one" });
    await as(ada).history.redo({ boardId });
    expect(await texts(boardId)).toEqual({ a: "one", b: "two" });
    await as(ada).history.undo({ boardId });
    expect(await texts(boardId)).toEqual({ a: "one" });
    await as(ada).history.redo({ boardId });
    await as(ada).history.redo({ boardId });
    expect(await texts(boardId)).toEqual({ a: "one", b: "two", c: "three" });
    expect(await failure(as(ada).history.redo({ boardId }))).toBe(
      "PRECONDITION_FAILED: Nothing to redo",
    );

    await as(ada).history.undo({ boardId });
    expect((await as(ada).history.canUndo({ boardId })).redo).toBe(true);
    await edit(ada, boardId, "Add item", [addItem("l1", "d", "four")]);
    expect(await as(ada).history.canUndo({ boardId })).toEqual({ undo: true, redo: false });
    expect(await failure(as(ada).history.redo({ boardId }))).toBe(
      "PRECONDITION_FAILED: Nothing to redo",
    );
    for (let i = 0; i < 4; i++) await as(ada).history.undo({ boardId });
    expect(await texts(boardId)).toEqual({});
    expect(await failure(as(ada).history.undo({ boardId }))).toBe(
      "PRECONDITION_FAILED: Nothing to undo",
    );
  });

  it("H6 restore brings back an older version as a new entry, and the restore can be undone", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    const { version: old, document: then } = await as(ada).sync.load({ boardId });
    await edit(bob, boardId, "Add item", [addItem("l1", "b", "eggs")]);
    await edit(ada, boardId, "Rename", [{ action: "update", path: [], props: { title: "Shop" } }]);
    const { document: before, version: head } = await as(ada).sync.load({ boardId });

    const { entry } = await as(bob).history.restore({ boardId, version: old });
    expect(entry).toMatchObject({
      kind: "restore",
      label: `Restore version ${old}`,
      fromVersion: head,
    });
    expect((await as(ada).sync.load({ boardId })).document).toEqual(then);
    expect((await as(ada).board.list()).find((b) => b.id === boardId)?.title).toBe("Groceries");
    await as(bob).history.undo({ boardId });
    expect((await as(ada).sync.load({ boardId })).document).toEqual(before);
    // The log only grew: version `old` still reads as it did.
    expect((await as(vic).history.stateAt({ boardId, version: old })).document).toEqual(then);
  });

  it("compare says what changed between two versions, either way round; viewers may read it", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    await edit(ada, boardId, "Add item", [addItem("l1", "b", "eggs")]);
    const { version: then } = await as(ada).sync.load({ boardId });
    await edit(bob, boardId, "Edit item", [setItem("l1", "a", { text: "oat milk", done: true })]);
    await edit(bob, boardId, "Delete item", [
      { action: "delete", path: ["lists", "l1", "items", "b"] },
    ]);
    await edit(bob, boardId, "Add list", [addList("l2", "Later")]);
    const { version: now } = await as(ada).sync.load({ boardId });
    const { changes } = await as(vic).history.compare({ boardId, from: then, to: now });
    expect(changes.map((c) => c.kind).sort()).toEqual(
      ["item-changed", "item-checked", "item-removed", "list-added"].sort(),
    );
    expect(changes.find((c) => c.kind === "item-changed")).toMatchObject({
      listId: "l1",
      itemId: "a",
      from: "milk",
      to: "oat milk",
    });
    const back = await as(vic).history.compare({ boardId, from: now, to: then });
    expect(back.changes.map((c) => c.kind).sort()).toEqual(
      ["item-added", "item-changed", "item-unchecked", "list-removed"].sort(),
    );
    expect((await as(ada).history.compare({ boardId, from: now, to: now })).changes).toEqual([]);
    expect(await failure(as(ada).history.compare({ boardId, from: 0, to: now + 1 }))).toBe(
      `BAD_REQUEST: version must be at most ${now}, the board's latest`,
    );
    expect(await failure(as(ada).history.compare({ boardId, from: -1, to: now }))).toMatch(
      /from.*at least 0/,
    );
  });

  it("H10 any editor may undo a specific action; viewers read history but cannot change it", async () => {
    const boardId = await newBoard();
    const x = await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    await edit(ada, boardId, "Add item", [addItem("l1", "b", "eggs")]);
    expect(await failure(as(vic).history.undo({ boardId }))).toBe(
      "FORBIDDEN: A viewer cannot undo changes on this board",
    );
    expect(await failure(as(vic).history.restore({ boardId, version: 0 }))).toMatch(/^FORBIDDEN/);
    expect(await failure(as(vic).history.redo({ boardId }))).toMatch(/^FORBIDDEN/);
    expect(await as(vic).history.canUndo({ boardId })).toEqual({ undo: false, redo: false });
    expect((await as(vic).history.list({ boardId, limit: 10 })).entries.length).toBe(3);

    const { entry } = await as(bob).history.undo({ boardId, actionId: x });
    expect(entry.user.name).toBe("Bob");
    expect(await texts(boardId)).toEqual({ b: "eggs" });
    expect(await failure(as(ada).history.undo({ boardId, actionId: x }))).toBe(
      "PRECONDITION_FAILED: That action is already undone",
    );
    expect(await failure(as(ada).history.undo({ boardId, actionId: entry.actionId }))).toMatch(
      /^PRECONDITION_FAILED: An undo cannot be undone itself/,
    );
    expect(await failure(as(ada).history.undo({ boardId, actionId: "nope" }))).toBe(
      "NOT_FOUND: This board has no action nope",
    );
    // Ada's own undo stack is untouched by Bob's undo of her first action: her latest is "eggs".
    await as(ada).history.undo({ boardId });
    expect(await texts(boardId)).toEqual({});
  });

  it("H1 each action is one entry; commands sent without an action id make one per flush", async () => {
    const boardId = await newBoard();
    const x = await edit(ada, boardId, "Add items", [addItem("l1", "a"), addItem("l1", "b")]);
    const { version } = await as(bob).sync.load({ boardId });
    await as(bob).sync.flush({
      boardId,
      clientId: "api-client",
      batchSeq: 1,
      from: version,
      commands: [addItem("l1", "c"), setItem("l1", "a", { done: true })],
    });
    const { entries } = await as(ada).history.list({ boardId, limit: 10 });
    expect(
      entries.map((e) => [e.actionId, e.kind, e.label, e.user.name, e.fromVersion, e.toVersion]),
    ).toEqual([
      ["batch-api-client-1", "edit", "Edit", "Bob", 3, 5],
      [x, "edit", "Add items", "Ada", 1, 3],
      [expect.any(String), "edit", "Add list", "Ada", 0, 1],
    ]);
    expect(entries[0]?.commands.map((c) => c.actionId)).toEqual([
      "batch-api-client-1",
      "batch-api-client-1",
    ]);
    // The action is undone as a whole.
    await as(bob).history.undo({ boardId });
    expect(await texts(boardId)).toEqual({ a: "a", b: "b" });
    expect((await items(boardId)).a?.done).toBe(false);
  });

  it("the timeline lists entries newest first, with authors, undone flags and pages", async () => {
    const boardId = await newBoard();
    const x = await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    await edit(bob, boardId, "Add item", [
      addItem("l1", "b", "eggs"),
      setItem("l1", "b", { done: true }),
    ]);
    await as(ada).history.undo({ boardId, actionId: x });
    const first = await as(ada).history.list({ boardId, limit: 2 });
    expect(first.entries.map((e) => [e.kind, e.user.name, e.label])).toEqual([
      ["undo", "Ada", "Add item"],
      ["edit", "Bob", "Add item"],
    ]);
    expect(first.entries[1]?.commands.length).toBe(2);
    expect(first.entries[1]).toMatchObject({ fromVersion: 2, toVersion: 4, undone: false });
    expect(first.nextCursor).not.toBeNull();
    const second = await as(ada).history.list({
      boardId,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.entries.map((e) => [e.kind, e.actionId, e.undone])).toEqual([
      ["edit", x, true],
      ["edit", expect.any(String), false],
    ]);
    expect(second.nextCursor).toBeNull();
    expect(second.entries[0]?.at).toBeInstanceOf(Date);
  });

  it("H12 a retried undo, redo or restore (same entryId) returns the first answer and acts once", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    await edit(ada, boardId, "Add item", [addItem("l1", "b", "eggs")]);
    const first = await as(ada).history.undo({ boardId, entryId: "undo-1" });
    const retried = await as(ada).history.undo({ boardId, entryId: "undo-1" });
    expect(retried).toEqual(first);
    expect(await texts(boardId)).toEqual({ a: "milk" });
    const redo = await as(ada).history.redo({ boardId, entryId: "redo-1" });
    expect(await as(ada).history.redo({ boardId, entryId: "redo-1" })).toEqual(redo);
    const restore = await as(ada).history.restore({ boardId, version: 1, entryId: "restore-1" });
    expect(await as(ada).history.restore({ boardId, version: 1, entryId: "restore-1" })).toEqual(
      restore,
    );
    expect(await texts(boardId)).toEqual({});
    expect((await as(ada).history.list({ boardId, limit: 10 })).entries.length).toBe(6);
    expect(await failure(as(bob).history.undo({ boardId, entryId: "undo-1" }))).toBe(
      "BAD_REQUEST: entryId is already taken on this board",
    );
  });

  it("K4 an undo committed in the same group as a failing flush is answered as committed", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    const { version } = await as(ada).sync.load({ boardId });
    const { store } = services.boards;
    const write = store.write.bind(store);
    // The group's flush part fails to write (a lost connection, say), after the undo committed.
    const spy = vi.spyOn(store, "write").mockImplementation((tx, w) => {
      if (w.batches.some((batch) => batch.meta.clientId === "doomed")) {
        return Promise.reject(new Error("connection lost"));
      }
      return write(tx, w);
    });
    try {
      const flush = (clientId: string, commands: Command[]) =>
        services.boards.flush(boardId, { clientId, batchSeq: 1, from: version, commands }, bob.id);
      // The first flush keeps the board busy, so the undo and the doomed flush queue as one group.
      const busy = flush("busy", [addItem("l1", "b", "eggs")]);
      const undo = services.history.undo(boardId, { id: ada.id, name: ada.name });
      const doomed = flush("doomed", [addItem("l1", "c", "bread")]);
      const [, undone, failed] = await Promise.allSettled([busy, undo, doomed]);
      expect(failed).toMatchObject({ status: "rejected", reason: { message: "connection lost" } });
      expect(undone).toMatchObject({ status: "fulfilled", value: { entry: { kind: "undo" } } });
    } finally {
      spy.mockRestore();
    }
    expect(await texts(boardId)).toEqual({ b: "eggs" });
    const { entries } = await as(ada).history.list({ boardId, limit: 1 });
    expect(entries[0]).toMatchObject({ kind: "undo", user: { id: ada.id } });
  });

  it("bad input is refused with the field and the limit, and changes nothing", async () => {
    const boardId = await newBoard();
    const { version } = await as(ada).sync.load({ boardId });
    expect(await failure(as(ada).history.list({ boardId, limit: 101 }))).toMatch(
      /limit.*at most 100/,
    );
    expect(await failure(as(ada).history.stateAt({ boardId, version: -1 }))).toMatch(
      /version.*at least 0/,
    );
    expect(await failure(as(ada).history.stateAt({ boardId, version: version + 1 }))).toBe(
      `BAD_REQUEST: version must be at most ${version}, the board's latest`,
    );
    expect(await failure(as(ada).history.restore({ boardId, version: version + 5 }))).toMatch(
      /^BAD_REQUEST: version must be at most/,
    );
    expect(await failure(as(ada).history.list({ boardId: "missing", limit: 5 }))).toMatch(
      /^NOT_FOUND/,
    );
    expect((await as(ada).sync.load({ boardId })).version).toBe(version);
  });

  it("undo survives a restart: a new server over the same database still knows the stacks", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    await edit(ada, boardId, "Add item", [addItem("l1", "b", "eggs")]);
    await as(ada).history.undo({ boardId });
    const restarted = newServices(db(), { checkpointEvery: 5 });
    try {
      const caller = callerFor(restarted, ada);
      expect(await caller.history.canUndo({ boardId })).toEqual({ undo: true, redo: true });
      await caller.history.redo({ boardId });
      await caller.history.undo({ boardId });
      await caller.history.undo({ boardId });
      expect(Object.keys((await caller.sync.load({ boardId })).document.lists as Doc)).toEqual([
        "l1",
      ]);
      expect(await texts(boardId)).toEqual({});
    } finally {
      await restarted.close();
    }
  });

  it("an undo on a second instance catches up with what the first wrote; the first then builds on it", async () => {
    const boardId = await newBoard();
    const other = newServices(db(), { checkpointEvery: 5 });
    try {
      const onOther = callerFor(other, ada);
      await onOther.sync.load({ boardId }); // the second instance now caches an older version
      await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
      await edit(bob, boardId, "Add item", [addItem("l1", "b", "eggs")]);
      const { entry } = await onOther.history.undo({ boardId });
      expect(entry.commands).toEqual([
        {
          action: "delete",
          path: ["lists", "l1", "items", "a"],
          actionId: entry.actionId,
          label: "Add item",
        },
      ]);
      expect(await texts(boardId)).toEqual({ b: "eggs" });
      await edit(bob, boardId, "Add item", [addItem("l1", "c", "jam")]);
      await as(ada).history.redo({ boardId });
      expect(await onOther.sync.load({ boardId })).toEqual(await as(ada).sync.load({ boardId }));
      expect(await texts(boardId)).toEqual({ a: "milk", b: "eggs", c: "jam" });
    } finally {
      await other.close();
    }
  });

  it("undo commands reach subscribers like any other commands", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    const heard: number[] = [];
    const off = services.boards.events.subscribe(boardId, (version) => heard.push(version));
    const { version, entry } = await as(ada).history.undo({ boardId });
    off();
    expect(heard).toEqual([version]);
    const changes = await services.boards.changesSince(boardId, version - 1, version);
    expect(changes.completions).toEqual(entry.commands);
  });

  it("an open timeline is pushed the entries appended after the version it shows, once each", async () => {
    const boardId = await newBoard();
    const start = (await as(ada).sync.load({ boardId })).version;
    const added = await edit(ada, boardId, "Add item", [addItem("l1", "a", "milk")]);
    const controller = new AbortController();
    const stream = await transport
      .as(vic, { signal: controller.signal })
      .history.subscribe({ boardId, lastEventId: String(start) });
    const heard: { id: string; entries: { actionId: string; kind: string; user: string }[] }[] = [];
    const reading = (async () => {
      // Each event is tracked(String(version), { entries }); see sync's subscribe test.
      type Event = [
        string,
        { entries: { actionId: string; kind: string; user: { name: string } }[] },
      ];
      for await (const [id, data] of stream as unknown as AsyncIterable<Event>) {
        heard.push({
          id,
          entries: data.entries.map((e) => ({
            actionId: e.actionId,
            kind: e.kind,
            user: e.user.name,
          })),
        });
        if (data.entries.some((e) => e.kind === "undo")) break;
      }
    })();
    const bobs = await edit(bob, boardId, "Add item", [addItem("l1", "b", "eggs")]);
    const { entry: undo, version } = await as(ada).history.undo({ boardId });
    await reading;
    controller.abort();
    const entries = heard.flatMap((event) => event.entries);
    expect(entries.map((e) => [e.actionId, e.kind, e.user])).toEqual([
      [added, "edit", "Ada"],
      [bobs, "edit", "Bob"],
      [undo.actionId, "undo", "Ada"],
    ]);
    expect(heard.at(-1)?.id).toBe(String(version));
  });

  describe("property", () => {
    it("H11 stateAt equals a replay from empty, for random versions of a random history", async () => {
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed);
        const boardId = await newBoard();
        const people = [ada, bob];
        let created = 0;
        for (let step = 0; step < 40; step++) {
          const user = random.pick(people) as TestUser;
          const { document: now } = await as(user).sync.load({ boardId });
          const list = (now.lists as Record<string, Doc>).l1;
          const ids = Object.keys(list?.items ?? {});
          const roll = random.int(10);
          const head = (await as(user).sync.load({ boardId })).version;
          if (roll < 2) {
            await as(user)
              .history.undo({ boardId })
              .catch(() => undefined);
          } else if (roll < 3) {
            await as(user)
              .history.redo({ boardId })
              .catch(() => undefined);
          } else if (roll < 4) {
            await as(user).history.restore({ boardId, version: random.int(head + 1) });
          } else {
            const id = random.pick(ids);
            // Undo and restore may take the list away too: then the edit brings it back.
            const command = !list
              ? addList("l1")
              : id && roll < 7
                ? setItem("l1", id, { text: `t${random.int(9)}`, done: random.chance(0.5) })
                : id && roll < 8
                  ? { action: "delete" as const, path: ["lists", "l1", "items", id] }
                  : addItem("l1", `n${++created}`, `t${random.int(9)}`);
            await edit(user, boardId, "Edit", [command]);
          }
        }
        const { version: head, document } = await as(ada).sync.load({ boardId });
        const all = await services.boards.store.readCommands(boardId, 0, head);
        const empty: Doc = { title: "Groceries", lists: {} };
        expect(replayCompletions(empty, all)).toEqual(document);
        for (let i = 0; i < 10; i++) {
          const version = random.int(head + 1);
          const { document: at } = await as(bob).history.stateAt({ boardId, version });
          expect(at, `seed ${seed} version ${version}`).toEqual(
            replayCompletions(empty, all.slice(0, version)),
          );
        }
      }
    });
  });
});

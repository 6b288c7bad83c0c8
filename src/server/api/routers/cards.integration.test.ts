import { afterAll, beforeAll, expect, it } from "vitest";
import { NOT_MEMBERS_MESSAGE, UNKNOWN_LABELS_MESSAGE } from "@/board";
import type { Services } from "@/server/services";
import type { Command, Doc, JsonObject } from "@/sync";
import { createUsers, newServices, type TestUser } from "../../../../test/api";
import { addItem, addList, userActions } from "../../../../test/board-commands";
import { describeEachTransport } from "../../../../test/transports";

const setCard = (list: string, id: string, props: JsonObject): Command => ({
  action: "update",
  path: ["lists", list, "items", id],
  props,
});
const addLabel = (id: string, name: string, color = "red"): Command => ({
  action: "create",
  path: ["labels"],
  createdId: id,
  props: { name, color },
  parentDefault: {},
});

describeEachTransport("cards: description, due date, assignees and labels", (db, transport) => {
  let services: Services;
  let ada: TestUser;
  let bob: TestUser;
  let cy: TestUser;
  const as = (user: TestUser) => transport.as(user);
  const act = userActions(as);
  const edit = async (user: TestUser, boardId: string, label: string, commands: Command[]) =>
    (await act(user, boardId, label, commands)).version;

  async function card(boardId: string, list = "l1", id = "x") {
    const { document } = await as(ada).sync.load({ boardId });
    return (document.lists as Record<string, { items: Record<string, Doc> }>)[list]?.items[id];
  }
  async function labels(boardId: string) {
    return (await as(ada).sync.load({ boardId })).document.labels;
  }

  /** A board shared with Bob (editor), with list l1 holding card x and the label "Urgent". */
  async function newBoard(): Promise<string> {
    const { id } = await as(ada).board.create({ title: "Plan" });
    await as(ada).board.invite({ boardId: id, email: bob.email, role: "editor" });
    await edit(ada, id, "Add list", [addList("l1", "To do"), addList("l2", "Doing")]);
    await edit(ada, id, "Add item", [addItem("l1", "x", "Launch")]);
    await edit(ada, id, "Create label", [addLabel("urgent", "Urgent")]);
    return id;
  }

  /** Flushes `commands` as one batch from a fresh client; answers the refusals' messages. */
  async function refusals(user: TestUser, boardId: string, commands: Command[]) {
    const { version } = await as(user).sync.load({ boardId });
    const response = await as(user).sync.flush({
      boardId,
      clientId: `probe-${Math.random()}`,
      batchSeq: 1,
      from: version,
      commands,
    });
    return response.errors.map((error) => error.message);
  }

  beforeAll(async () => {
    services = newServices(db(), { checkpointEvery: 5 });
    [ada, bob, cy] = (await createUsers(db(), "Ada", "Bob", "Cy")) as [
      TestUser,
      TestUser,
      TestUser,
    ];
    await transport.serve(services);
  });
  afterAll(() => services.close());

  it("each field goes through sync.flush; each refusal names the field and its limit and applies nothing", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Edit card", [
      setCard("l1", "x", {
        description: "Ship it\nhttps://example.com",
        due: "2026-12-12",
        assignees: [ada.id, bob.id],
        labels: ["urgent"],
      }),
    ]);
    const before = await card(boardId);
    expect(before).toMatchObject({
      description: "Ship it\nhttps://example.com",
      due: "2026-12-12",
      assignees: [ada.id, bob.id],
      labels: ["urgent"],
    });
    const messages = await refusals(ada, boardId, [
      setCard("l1", "x", { description: "x".repeat(10_001) }),
      setCard("l1", "x", { due: "2026-02-30" }),
      setCard("l1", "x", { assignees: [ada.id, ada.id] }),
      setCard("l1", "x", { assignees: Array.from({ length: 11 }, (_, i) => `u${i}`) }),
      setCard("l1", "x", { labels: ["nope"] }),
      setCard("l1", "x", { assignees: [ada.id, cy.id] }),
      addLabel("u2", "URGENT"),
      addLabel("u3", "Bug", "teal"),
    ]);
    expect(messages).toEqual([
      "description must be at most 10,000 characters",
      "due must be a real calendar date",
      "assignees must not name a user twice",
      "assignees must have at most 10 users",
      UNKNOWN_LABELS_MESSAGE,
      NOT_MEMBERS_MESSAGE,
      "name “URGENT” is taken: label names are unique on a board, ignoring case",
      "color must be one of gray, red, orange, yellow, green, blue, purple, pink",
    ]);
    expect(await card(boardId)).toEqual(before);
    expect(Object.keys((await labels(boardId)) as object)).toEqual(["urgent"]);
  });

  it("assignees must be members when the command is applied; someone removed stays on their cards", async () => {
    const boardId = await newBoard();
    expect(await refusals(ada, boardId, [setCard("l1", "x", { assignees: [cy.id] })])).toEqual([
      NOT_MEMBERS_MESSAGE,
    ]);
    await as(ada).board.invite({ boardId, email: cy.email, role: "viewer" });
    await edit(ada, boardId, "Assign", [setCard("l1", "x", { assignees: [cy.id, bob.id] })]);
    await as(ada).board.removeMember({ boardId, userId: cy.id });
    // Cy stays on the card, and the card can still be changed around them...
    expect((await card(boardId))?.assignees).toEqual([cy.id, bob.id]);
    await edit(ada, boardId, "Unassign", [setCard("l1", "x", { assignees: [cy.id] })]);
    // ...but no card takes them on anew.
    await edit(ada, boardId, "Add item", [addItem("l1", "y", "Other")]);
    expect(await refusals(ada, boardId, [setCard("l1", "y", { assignees: [cy.id] })])).toEqual([
      NOT_MEMBERS_MESSAGE,
    ]);
  });

  it("deleting a label takes it off every card in the same action, and undo brings both back", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Add item", [addItem("l2", "y", "Other")]);
    await edit(ada, boardId, "Create label", [addLabel("bug", "Bug", "green")]);
    await edit(ada, boardId, "Label", [
      setCard("l1", "x", { labels: ["urgent", "bug"] }),
      setCard("l2", "y", { labels: ["urgent"] }),
    ]);
    const { version: deletedAt } = await act(bob, boardId, "Delete label", [
      { action: "delete", path: ["labels", "urgent"] },
      setCard("l1", "x", { labels: ["bug"] }),
      setCard("l2", "y", { labels: [] }),
    ]);
    expect(Object.keys((await labels(boardId)) as object)).toEqual(["bug"]);
    expect((await card(boardId))?.labels).toEqual(["bug"]);
    expect((await card(boardId, "l2", "y"))?.labels).toEqual([]);
    const { entries } = await as(ada).history.list({ boardId, limit: 1 });
    expect(entries[0]).toMatchObject({ label: "Delete label", toVersion: deletedAt });
    expect(entries[0]?.commands).toHaveLength(3);

    await as(bob).history.undo({ boardId });
    expect(Object.keys((await labels(boardId)) as object).sort()).toEqual(["bug", "urgent"]);
    expect((await card(boardId))?.labels).toEqual(["urgent", "bug"]);
    expect((await card(boardId, "l2", "y"))?.labels).toEqual(["urgent"]);
    await as(bob).history.redo({ boardId });
    expect((await card(boardId))?.labels).toEqual(["bug"]);
  });

  it("the timeline and the item's history carry the card before and after each field's change", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Set due date", [setCard("l1", "x", { due: "2026-12-12" })]);
    await edit(ada, boardId, "Assign", [setCard("l1", "x", { assignees: [bob.id] })]);
    await edit(bob, boardId, "Label", [setCard("l1", "x", { labels: ["urgent"] })]);
    await edit(bob, boardId, "Describe", [setCard("l1", "x", { description: "Ship it" })]);
    const { entries } = await as(ada).history.list({ boardId, limit: 4 });
    expect(entries.map((entry) => [entry.item?.before?.labels, entry.item?.after?.labels])).toEqual(
      [
        [["urgent"], ["urgent"]],
        [undefined, ["urgent"]],
        [undefined, undefined],
        [undefined, undefined],
      ],
    );
    expect(entries[2]?.item).toMatchObject({
      before: { due: "2026-12-12" },
      after: { due: "2026-12-12", assignees: [bob.id] },
    });
    const story = await as(bob).history.list({ boardId, itemId: "x" });
    expect(story.entries.map((entry) => entry.label)).toEqual([
      "Describe",
      "Label",
      "Assign",
      "Set due date",
      "Add item",
    ]);
    expect(story.entries[0]?.item?.after).toMatchObject({
      description: "Ship it",
      due: "2026-12-12",
      assignees: [bob.id],
      labels: ["urgent"],
    });
  });

  it("restoring an item restores every field; a label deleted since is left off with a notice", async () => {
    const boardId = await newBoard();
    await edit(ada, boardId, "Create label", [addLabel("bug", "Bug", "green")]);
    const v = await edit(ada, boardId, "Edit card", [
      setCard("l1", "x", {
        description: "Ship it",
        due: "2026-12-12",
        assignees: [bob.id],
        labels: ["urgent", "bug"],
      }),
    ]);
    await edit(bob, boardId, "Edit card", [
      setCard("l1", "x", { description: "", due: null, assignees: [], labels: ["bug"] }),
    ]);
    await edit(bob, boardId, "Delete label", [{ action: "delete", path: ["labels", "urgent"] }]);
    await as(ada).board.removeMember({ boardId, userId: bob.id });
    const restored = await as(ada).history.restoreItem({ boardId, itemId: "x", version: v });
    expect(restored.notice).toBe("The label “Urgent” no longer exists: left off “Launch”");
    expect(await card(boardId)).toMatchObject({
      description: "Ship it",
      due: "2026-12-12",
      assignees: [bob.id], // a former member now, kept
      labels: ["bug"],
    });
  });

  it("undo and redo take back each field, and compare reports cards whose fields changed", async () => {
    const boardId = await newBoard();
    const start = (await as(ada).sync.load({ boardId })).version;
    const fields: [string, JsonObject][] = [
      ["due", { due: "2027-01-31" }],
      ["assignees", { assignees: [bob.id] }],
      ["labels", { labels: ["urgent"] }],
      ["description", { description: "Why" }],
    ];
    for (const [, props] of fields)
      await edit(bob, boardId, "Edit card", [setCard("l1", "x", props)]);
    const { changes } = await as(ada).history.compare({
      boardId,
      from: start,
      to: (await as(ada).sync.load({ boardId })).version,
    });
    expect(changes).toEqual([
      {
        kind: "item-fields",
        listId: "l1",
        itemId: "x",
        text: "Launch",
        fields: ["description", "due", "assignees", "labels"],
      },
    ]);
    for (const [field] of [...fields].reverse()) {
      await as(bob).history.undo({ boardId });
      const value = (await card(boardId))?.[field];
      expect(
        value === undefined || value === null || (value as unknown[]).length === 0,
        field,
      ).toBe(true);
    }
    for (const [field, props] of fields) {
      await as(bob).history.redo({ boardId });
      expect((await card(boardId))?.[field], field).toEqual(props[field]);
    }
  });

  it("two people editing different fields of one card both keep theirs; the same field: the later wins", async () => {
    const boardId = await newBoard();
    const { version } = await as(ada).sync.load({ boardId });
    const flush = (user: TestUser, props: JsonObject) =>
      as(user).sync.flush({
        boardId,
        clientId: `${user.id}-race`,
        batchSeq: 1,
        from: version,
        commands: [setCard("l1", "x", props)],
      });
    await Promise.all([flush(ada, { due: "2026-12-24" }), flush(bob, { labels: ["urgent"] })]);
    expect(await card(boardId)).toMatchObject({ due: "2026-12-24", labels: ["urgent"] });
    const first = await as(ada).sync.flush({
      boardId,
      clientId: `${ada.id}-race`,
      batchSeq: 2,
      from: version,
      commands: [setCard("l1", "x", { due: "2027-01-01" })],
    });
    await as(bob).sync.flush({
      boardId,
      clientId: `${bob.id}-race`,
      batchSeq: 2,
      from: first.version,
      commands: [setCard("l1", "x", { due: "2027-02-02" })],
    });
    expect((await card(boardId))?.due).toBe("2027-02-02");
  });
});

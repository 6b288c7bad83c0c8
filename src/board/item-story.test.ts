import { describe, expect, it } from "vitest";
import type { Command } from "@/sync";
import { itemChangesByEntry, itemSteps, type LoggedTarget, listTitleAt } from "./item-story";
import { planItemRestore, planListRestore } from "./restore-item";
import type { BoardDoc } from "./schema";
import { commandTarget } from "./targets";

/** Commands as stored: versions from 1, each its own action unless `actionIds` says otherwise. */
function logOf(commands: Command[], actionIds: string[] = []): LoggedTarget[] {
  return commands.map((command, i) => ({
    version: i + 1,
    actionId: actionIds[i] ?? `a${i + 1}`,
    command,
    ...commandTarget(command),
  }));
}

const create = (listId: string, itemId: string, text: string): Command => ({
  action: "create",
  path: ["lists", listId, "items"],
  createdId: itemId,
  props: { text, done: false, order: "a0" },
});
const update = (listId: string, itemId: string, props: Record<string, string | boolean>) =>
  ({ action: "update", path: ["lists", listId, "items", itemId], props }) as Command;

describe("commandTarget", () => {
  it("names the list and item a command is about, and what a create creates", () => {
    expect(commandTarget({ action: "create", path: ["lists"], createdId: "L" })).toEqual({
      listId: "L",
      itemId: null,
    });
    expect(commandTarget(create("L", "I", "x"))).toEqual({ listId: "L", itemId: "I" });
    expect(commandTarget(update("L", "I", { done: true }))).toEqual({ listId: "L", itemId: "I" });
    expect(commandTarget({ action: "delete", path: ["lists", "L"] })).toEqual({
      listId: "L",
      itemId: null,
    });
    expect(commandTarget({ action: "update", path: [], props: { title: "t" } })).toEqual({
      listId: null,
      itemId: null,
    });
    expect(commandTarget({ action: "update", path: ["other", "x"] })).toEqual({
      listId: null,
      itemId: null,
    });
  });
});

describe("itemSteps", () => {
  it("follows one item through its own commands and its list's, ignoring the rest", () => {
    const log = logOf([
      { action: "create", path: ["lists"], createdId: "L", props: { title: "Food" } },
      create("L", "I", "milk"),
      create("L", "J", "eggs"),
      update("L", "I", { text: "oat milk" }),
      update("L", "J", { done: true }),
      { action: "update", path: ["lists", "L"], props: { title: "Drinks" } },
      { action: "delete", path: ["lists", "L"] },
      {
        action: "create",
        path: ["lists"],
        createdId: "L",
        props: { title: "Drinks", items: { I: { text: "oat milk", done: true } } },
      },
    ]);
    const steps = itemSteps("I", log);
    expect(steps.map((s) => [s.version, s.before?.text ?? null, s.after?.text ?? null])).toEqual([
      [2, null, "milk"],
      [4, "milk", "oat milk"],
      [7, "oat milk", null],
      [8, null, "oat milk"],
    ]);
    expect(steps.at(-1)?.after).toEqual({ listId: "L", text: "oat milk", done: true });
    expect(listTitleAt("L", log, 6)).toBe("Drinks");
    expect(listTitleAt("L", log, 5)).toBe("Food");
  });

  it("a move between lists is one entry: from where it was to where it went", () => {
    const log = logOf(
      [
        create("A", "I", "tent"),
        { action: "delete", path: ["lists", "A", "items", "I"] },
        create("B", "I", "tent"),
      ],
      ["a1", "move", "move"],
    );
    const byEntry = itemChangesByEntry(itemSteps("I", log));
    expect(byEntry.get("move")).toEqual({
      before: { listId: "A", text: "tent", done: false, order: "a0" },
      after: { listId: "B", text: "tent", done: false, order: "a0" },
    });
  });
});

describe("planItemRestore", () => {
  const past: BoardDoc = {
    title: "B",
    lists: {
      A: { title: "Food", order: "a0", items: { I: { text: "milk", done: false, order: "a1" } } },
      B: { title: "Work", order: "a1", items: {} },
    },
  };

  it("updates what differs when the item is still in its list", () => {
    const now = structuredClone(past);
    now.lists.A = {
      ...now.lists.A,
      title: "Food",
      items: { I: { text: "beer", done: true, order: "a1" } },
    };
    expect(planItemRestore(now, past, "I", 3)).toEqual({
      ok: true,
      label: "Restore “milk”",
      notice: undefined,
      commands: [
        {
          action: "update",
          path: ["lists", "A", "items", "I"],
          props: { text: "milk", done: false },
        },
      ],
    });
  });

  it("moves the item back to its list, or to the first list when its list is gone", () => {
    const moved: BoardDoc = structuredClone(past);
    moved.lists.A = { title: "Food", order: "a0", items: {} };
    moved.lists.B = { title: "Work", order: "a1", items: { I: { text: "milk", done: false } } };
    const plan = planItemRestore(moved, past, "I", 3);
    expect(plan.ok && plan.commands.map((c) => [c.action, c.path.join("/")])).toEqual([
      ["delete", "lists/B/items/I"],
      ["create", "lists/A/items"],
    ]);

    const gone: BoardDoc = { title: "B", lists: { B: { title: "Work", order: "a1", items: {} } } };
    const into = planItemRestore(gone, past, "I", 3);
    expect(into).toMatchObject({
      ok: true,
      notice: "The list “Food” no longer exists: “milk” was restored into “Work”",
      commands: [{ action: "create", path: ["lists", "B", "items"], createdId: "I" }],
    });
    expect(planItemRestore({ title: "B", lists: {} }, past, "I", 3)).toMatchObject({
      ok: false,
      kind: "refused",
    });
    expect(planItemRestore(gone, past, "nope", 3)).toEqual({
      ok: false,
      kind: "not-found",
      message: "This board had no item nope at version 3",
    });
  });

  it("a list comes back with its items, once", () => {
    const gone: BoardDoc = { title: "B", lists: { B: past.lists.B as BoardDoc["lists"][string] } };
    expect(planListRestore(gone, past, "A", 3)).toMatchObject({
      ok: true,
      label: "Restore list “Food”",
      commands: [{ action: "create", path: ["lists"], createdId: "A", props: past.lists.A }],
    });
    expect(planListRestore(past, past, "A", 3)).toMatchObject({ ok: false });
  });
});

describe("the story and restore of every field", () => {
  const set = (props: Record<string, unknown>) =>
    ({ action: "update", path: ["lists", "L", "items", "I"], props }) as Command;

  it("follows description, due date, assignees and labels through the item's commands", () => {
    const log = logOf([
      create("L", "I", "Launch"),
      set({ due: "2026-12-12", assignees: ["bob"] }),
      set({ labels: ["urgent"], description: "Ship it" }),
      set({ due: null }),
    ]);
    const steps = itemSteps("I", log);
    expect(steps.map((step) => step.after)).toEqual([
      { listId: "L", text: "Launch", done: false, order: "a0" },
      {
        listId: "L",
        text: "Launch",
        done: false,
        order: "a0",
        due: "2026-12-12",
        assignees: ["bob"],
      },
      {
        listId: "L",
        text: "Launch",
        done: false,
        order: "a0",
        due: "2026-12-12",
        assignees: ["bob"],
        labels: ["urgent"],
        description: "Ship it",
      },
      {
        listId: "L",
        text: "Launch",
        done: false,
        order: "a0",
        due: null,
        assignees: ["bob"],
        labels: ["urgent"],
        description: "Ship it",
      },
    ]);
  });

  it("restores every field; a label deleted since is left off and said; a former member stays", () => {
    const past: BoardDoc = {
      title: "Plan",
      labels: { urgent: { name: "Urgent", color: "red" }, bug: { name: "Bug", color: "green" } },
      lists: {
        L: {
          title: "To do",
          items: {
            I: {
              text: "Launch",
              done: false,
              order: "a0",
              description: "Ship it",
              due: "2026-12-12",
              assignees: ["gone", "bob"],
              labels: ["urgent", "bug"],
            },
          },
        },
      },
    };
    const now: BoardDoc = {
      title: "Plan",
      labels: { urgent: { name: "Urgent", color: "red" } },
      lists: { L: { title: "To do", items: { I: { text: "Launch", done: false, order: "a0" } } } },
    };
    const plan = planItemRestore(now, past, "I", 7);
    expect(plan).toEqual({
      ok: true,
      label: "Restore “Launch”",
      notice: "The label “Bug” no longer exists: left off “Launch”",
      commands: [
        {
          action: "update",
          path: ["lists", "L", "items", "I"],
          props: {
            description: "Ship it",
            due: "2026-12-12",
            assignees: ["gone", "bob"],
            labels: ["urgent"],
          },
        },
      ],
    });
    // And back: fields set since are cleared.
    const back = planItemRestore(past, now, "I", 3);
    expect(back.ok && back.commands[0]?.props).toEqual({
      description: "",
      due: null,
      assignees: [],
      labels: [],
    });
  });
});

describe("moving a card to another list", () => {
  it("is created there with its id, then taken from where it was: one move in its story", async () => {
    const { moveCardCommands, deleteLabelCommands } = await import("./card-edits");
    const board: BoardDoc = {
      title: "Plan",
      labels: { u: { name: "Urgent", color: "red" } },
      lists: {
        todo: {
          title: "To do",
          items: {
            I: {
              text: "Launch",
              done: false,
              order: "a0",
              labels: ["u", "gone"],
              createdBy: "ada",
            },
          },
        },
        doing: {
          title: "Doing",
          items: { J: { text: "Other", done: false, order: "a0", labels: ["u"] } },
        },
      },
    };
    const move = moveCardCommands(board, "I", "doing");
    expect(move).toEqual([
      {
        action: "create",
        path: ["lists", "doing", "items"],
        createdId: "I",
        props: { text: "Launch", done: false, order: "a1", labels: ["u"] },
        parentDefault: {},
      },
      { action: "delete", path: ["lists", "todo", "items", "I"] },
    ]);
    expect(moveCardCommands(board, "I", "todo")).toEqual([]);
    const steps = itemSteps("I", logOf([create("todo", "I", "Launch"), ...move], ["a1", "m", "m"]));
    expect(itemChangesByEntry(steps).get("m")).toEqual({
      before: { listId: "todo", text: "Launch", done: false, order: "a0" },
      after: { listId: "doing", text: "Launch", done: false, order: "a1", labels: ["u"] },
    });
    expect(deleteLabelCommands(board, "u")).toEqual([
      { action: "delete", path: ["labels", "u"] },
      { action: "update", path: ["lists", "todo", "items", "I"], props: { labels: [] } },
      { action: "update", path: ["lists", "doing", "items", "J"], props: { labels: [] } },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import {
  BOARD_LIMITS,
  LABELS_FULL_MESSAGE,
  NOT_MEMBERS_MESSAGE,
  UNKNOWN_LABELS_MESSAGE,
} from "@/board";
import type { Command, Doc, JsonObject } from "@/sync";
import { applyBatch } from "@/sync";
import { type BoardRuleContext, boardRules } from "./rules";

const board = (): Doc => ({
  title: "Plan",
  labels: { urgent: { name: "Urgent", color: "red" } },
  lists: {
    todo: {
      title: "To do",
      order: "a0",
      items: { launch: { text: "Launch", done: false, assignees: ["gone"] } },
    },
  },
});

const context = (over: Partial<BoardRuleContext> = {}): BoardRuleContext => ({
  userId: "ada",
  now: new Date("2026-12-06T10:00:00Z"),
  itemCount: 1,
  members: new Set(["ada", "bob"]),
  ...over,
});

/** The refusal of `command` on `doc`, or null when it applies. */
function refusal(command: Command, doc: Doc = board(), ctx = context()): string | null {
  const result = applyBatch(doc, 0, [command], { interceptor: boardRules, context: ctx });
  return result.errors[0]?.message ?? null;
}

const setItem = (props: JsonObject): Command => ({
  action: "update",
  path: ["lists", "todo", "items", "launch"],
  props,
});
const addItem = (props: JsonObject): Command => ({
  action: "create",
  path: ["lists", "todo", "items"],
  createdId: "new",
  props: { text: "New", ...props },
});
const addLabel = (props: JsonObject): Command => ({
  action: "create",
  path: ["labels"],
  createdId: "l2",
  props,
  parentDefault: {},
});

describe("item fields", () => {
  it("accepts every field within its limits", () => {
    expect(
      refusal(
        setItem({
          description: "x".repeat(BOARD_LIMITS.descriptionLength),
          due: "2028-02-29",
          assignees: ["ada", "bob", "gone"],
          labels: ["urgent"],
        }),
      ),
    ).toBeNull();
    expect(refusal(setItem({ due: null }))).toBeNull();
    expect(
      refusal(addItem({ due: "2026-12-12", assignees: ["bob"], labels: ["urgent"] })),
    ).toBeNull();
  });

  it("refuses each field past its limit, naming the field and the limit", () => {
    const cases: [JsonObject, string][] = [
      [{ description: "x".repeat(10_001) }, "description must be at most 10,000 characters"],
      [{ description: 5 }, "description must be a string"],
      [{ due: "2026-02-30" }, "due must be a real calendar date"],
      [{ due: "12/12/2026" }, 'due must be a date "YYYY-MM-DD" or null'],
      [{ due: 20261212 }, 'due must be a date "YYYY-MM-DD" or null'],
      [{ assignees: "ada" }, "assignees must be a list of user ids"],
      [{ assignees: ["ada", "ada"] }, "assignees must not name a user twice"],
      [
        { assignees: Array.from({ length: 11 }, (_, i) => `u${i}`) },
        "assignees must have at most 10 users",
      ],
      [{ labels: ["urgent", "urgent"] }, "labels must not name a label twice"],
      [
        { labels: Array.from({ length: 11 }, (_, i) => `l${i}`) },
        "labels must have at most 10 labels",
      ],
      [{ labels: ["nope"] }, UNKNOWN_LABELS_MESSAGE],
      [{ assignees: ["ada", "cy"] }, NOT_MEMBERS_MESSAGE],
    ];
    for (const [props, message] of cases) {
      expect(refusal(setItem(props)), JSON.stringify(props)).toBe(message);
      expect(refusal(addItem(props)), JSON.stringify(props)).toBe(message);
    }
  });

  it("keeps a former member who is already on the card, but never adds one", () => {
    expect(refusal(setItem({ assignees: ["gone"] }))).toBeNull();
    expect(refusal(addItem({ assignees: ["gone"] }))).toBe(NOT_MEMBERS_MESSAGE);
    // No members looked up (the flush assigns no one new as far as the master knew): refused.
    expect(refusal(setItem({ assignees: ["bob"] }), board(), context({ members: undefined }))).toBe(
      NOT_MEMBERS_MESSAGE,
    );
  });

  it("a board holds 5,000 items", () => {
    expect(refusal(addItem({}), board(), context({ itemCount: 4999 }))).toBeNull();
    expect(refusal(addItem({}), board(), context({ itemCount: 5000 }))).toBe(
      "This board is full: 5,000 items at most",
    );
  });
});

describe("labels", () => {
  it("creates, renames, recolours and deletes labels at the board's root", () => {
    const doc = { ...board() };
    delete doc.labels;
    const created = applyBatch(doc, 0, [addLabel({ name: "Bug", color: "green" })], {
      interceptor: boardRules,
      context: context(),
    });
    expect(created.errors).toEqual([]);
    expect(created.document.labels).toEqual({ l2: { name: "Bug", color: "green" } });
    expect(
      refusal({
        action: "update",
        path: ["labels", "urgent"],
        props: { name: "Now", color: "pink" },
      }),
    ).toBeNull();
    expect(refusal({ action: "delete", path: ["labels", "urgent"] })).toBeNull();
  });

  it("refuses a label past its limits, with the field and the limit", () => {
    const cases: [JsonObject, string][] = [
      [{ name: "", color: "red" }, "name must not be empty"],
      [{ name: "x".repeat(51), color: "red" }, "name must be at most 50 characters"],
      [
        { name: "Bug", color: "teal" },
        "color must be one of gray, red, orange, yellow, green, blue, purple, pink",
      ],
      [{ name: "Bug" }, "color is required"],
      [{ color: "red" }, "name is required"],
      [{ name: "Bug", color: "red", x: 1 }, 'a label has no field "x" (allowed: name, color)'],
      [
        { name: "URGENT", color: "red" },
        "name “URGENT” is taken: label names are unique on a board, ignoring case",
      ],
    ];
    for (const [props, message] of cases) {
      expect(refusal(addLabel(props)), JSON.stringify(props)).toBe(message);
    }
    expect(
      refusal({ action: "update", path: ["labels", "urgent"], props: { name: "urgent" } }),
      "renaming a label to itself in another case",
    ).toBeNull();
    const two = board();
    (two.labels as JsonObject).bug = { name: "Bug", color: "blue" };
    expect(
      refusal({ action: "update", path: ["labels", "bug"], props: { name: "Urgent" } }, two),
    ).toBe("name “Urgent” is taken: label names are unique on a board, ignoring case");
    expect(refusal({ action: "create", path: ["labels", "x", "y"], props: {} })).toBe(
      '["labels","x","y"] is not a place on a board',
    );
  });

  it("a board holds at most 50 labels", () => {
    const full = board();
    full.labels = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`l${i}`, { name: `L${i}`, color: "gray" }]),
    );
    expect(refusal(addLabel({ name: "One more", color: "red" }), full)).toBe(LABELS_FULL_MESSAGE);
    expect(LABELS_FULL_MESSAGE).toBe("labels: a board has at most 50 labels");
  });
});

describe("moving a card", () => {
  it("keeps its stamps and former members, and takes no room on a full board", () => {
    const doc = board();
    (doc.lists as JsonObject).doing = { title: "Doing", order: "a1", items: {} };
    const launch = ((doc.lists as JsonObject).todo as { items: JsonObject }).items
      .launch as JsonObject;
    launch.createdAt = "2026-01-01T00:00:00.000Z";
    launch.createdBy = "cy";
    const move: Command[] = [
      {
        action: "create",
        path: ["lists", "doing", "items"],
        createdId: "launch",
        props: { text: "Launch", done: false, assignees: ["gone"] },
      },
      { action: "delete", path: ["lists", "todo", "items", "launch"] },
    ];
    const ctx = context({ itemCount: BOARD_LIMITS.items });
    const result = applyBatch(doc, 0, move, { interceptor: boardRules, context: ctx });
    expect(result.errors).toEqual([]);
    expect(ctx.itemCount).toBe(BOARD_LIMITS.items);
    expect((result.document.lists as JsonObject).doing).toMatchObject({
      items: {
        launch: {
          text: "Launch",
          assignees: ["gone"],
          createdAt: "2026-01-01T00:00:00.000Z",
          createdBy: "cy",
        },
      },
    });
  });
});

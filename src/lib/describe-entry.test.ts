import { describe, expect, it } from "vitest";
import type { Doc } from "@/sync";
import { type DescribedEntry, describeEntry, relativeTime } from "./describe-entry";

const board: Doc = {
  title: "Week",
  lists: { l1: { title: "Groceries", items: { i1: { text: "Buy milk", done: false } } } },
};
const entry = (over: Partial<DescribedEntry>): DescribedEntry => ({
  kind: "edit",
  label: "Add item",
  user: { name: "Ada" },
  commands: [],
  ...over,
});

describe("timeline descriptions", () => {
  it("names the item and the list an item was added to", () => {
    const added = entry({
      commands: [
        {
          action: "create",
          path: ["lists", "l1", "items"],
          createdId: "i1",
          props: { text: "Buy milk" },
        },
      ],
    });
    expect(describeEntry(added, board)).toBe("Ada added “Buy milk” to Groceries");
    expect(describeEntry(added, { title: "Week", lists: {} })).toBe(
      "Ada added “Buy milk” to a list",
    );
  });

  it("describes lists, renames, checks, moves and deletes", () => {
    const one = (command: DescribedEntry["commands"][number]) =>
      describeEntry(entry({ commands: [command] }), board);
    expect(
      one({ action: "create", path: ["lists"], createdId: "l2", props: { title: "Chores" } }),
    ).toBe("Ada added the list “Chores”");
    expect(one({ action: "update", path: [], props: { title: "Month" } })).toBe(
      "Ada renamed the board to “Month”",
    );
    expect(
      one({ action: "update", path: ["lists", "l1", "items", "i1"], props: { done: true } }),
    ).toBe("Ada checked “Buy milk”");
    expect(
      one({ action: "update", path: ["lists", "l1", "items", "i1"], props: { order: "b" } }),
    ).toBe("Ada moved “Buy milk” in Groceries");
    expect(one({ action: "delete", path: ["lists", "l1"] })).toBe(
      "Ada deleted the list “Groceries”",
    );
    expect(one({ action: "delete", path: ["lists", "l1", "items", "i9"] })).toBe(
      "Ada deleted an item from Groceries",
    );
  });

  it("describes undo, redo and restore entries by what they act on", () => {
    const added = entry({
      user: { name: "Bob" },
      commands: [{ action: "create", path: ["lists", "l1", "items"], props: { text: "Eggs" } }],
    });
    expect(describeEntry(entry({ kind: "undo" }), board, added)).toBe(
      "Ada undid Bob’s change: added “Eggs” to Groceries",
    );
    expect(describeEntry(entry({ kind: "redo" }), board, { ...added, user: { name: "Ada" } })).toBe(
      "Ada redid: added “Eggs” to Groceries",
    );
    // The target is on a page not loaded yet: its label says what it was.
    expect(describeEntry(entry({ kind: "undo" }), board)).toBe("Ada undid “Add item”");
    expect(describeEntry(entry({ commands: [] }), board)).toBe(
      "Ada changed the board (“Add item”)",
    );
    expect(describeEntry(entry({ kind: "restore", label: "Restore version 12" }), board)).toBe(
      "Ada restored version 12",
    );
  });

  it("says when, relative to now", () => {
    const now = new Date("2026-11-21T12:00:00Z");
    expect(relativeTime(new Date("2026-11-21T11:59:50Z"), now)).toBe("just now");
    expect(relativeTime(new Date("2026-11-21T11:55:00Z"), now)).toBe("5 minutes ago");
    expect(relativeTime(new Date("2026-11-20T12:00:00Z"), now)).toBe("yesterday");
  });
});

import { describe, expect, it } from "vitest";
import { asBoard } from "@/board";
import { boardNames } from "@/board/names";
import type { Command, Doc } from "@/sync";
import { type DescribedEntry, describeEntry, labelNamesIn, relativeTime } from "./describe-entry";

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

describe("timeline sentences for card fields and labels", () => {
  const plan: Doc = {
    title: "Plan",
    labels: { urgent: { name: "Urgent", color: "red" } },
    lists: {
      todo: { title: "To do", items: { launch: { text: "Launch", done: false } } },
      doing: { title: "Doing", items: {} },
    },
  };
  const launch = { listId: "todo", text: "Launch", done: false };
  const names = boardNames(asBoard(plan), new Map([["bob", "Bob"]]));
  const say = (over: Partial<DescribedEntry>) =>
    describeEntry(entry({ label: "Edit card", ...over }), plan, undefined, names);
  const set = (props: Record<string, unknown>) =>
    ({ action: "update", path: ["lists", "todo", "items", "launch"], props }) as Command;

  it("uses the item before and after when the server sends them", () => {
    expect(
      say({
        commands: [set({ assignees: ["bob"] })],
        item: { before: launch, after: { ...launch, assignees: ["bob"] } },
      }),
    ).toBe("Ada assigned Bob to “Launch”");
    expect(
      say({
        commands: [set({ labels: [] })],
        item: { before: { ...launch, labels: ["urgent"] }, after: { ...launch, labels: [] } },
      }),
    ).toBe("Ada removed the label “Urgent” from “Launch”");
  });

  it("falls back on the commands alone", () => {
    expect(say({ commands: [set({ due: "2026-12-12" })] })).toBe(
      "Ada set the due date of “Launch” to 12 Dec 2026",
    );
    expect(say({ commands: [set({ due: null })] })).toBe("Ada cleared the due date of “Launch”");
    expect(say({ commands: [set({ description: "x" })] })).toBe(
      "Ada edited the description of “Launch”",
    );
    expect(
      say({
        commands: [
          { action: "delete", path: ["lists", "todo", "items", "launch"] },
          {
            action: "create",
            path: ["lists", "doing", "items"],
            createdId: "launch",
            props: { text: "Launch" },
          },
        ],
      }),
    ).toBe("Ada moved “Launch” to Doing");
  });

  it("describes labels created, renamed, recoloured and deleted", () => {
    expect(
      say({
        commands: [
          {
            action: "create",
            path: ["labels"],
            createdId: "u2",
            props: { name: "Bug", color: "red" },
          },
        ],
      }),
    ).toBe("Ada created the label “Bug”");
    expect(say({ commands: [{ action: "delete", path: ["labels", "urgent"] }] })).toBe(
      "Ada deleted the label “Urgent”",
    );
    expect(
      say({
        commands: [{ action: "update", path: ["labels", "urgent"], props: { color: "blue" } }],
      }),
    ).toBe("Ada changed the colour of the label “Urgent” to blue");
    // A label deleted since is named from the timeline's own commands.
    const created = entry({
      commands: [
        {
          action: "create",
          path: ["labels"],
          createdId: "gone",
          props: { name: "Old", color: "red" },
        },
      ],
    });
    const deleted = entry({ commands: [{ action: "delete", path: ["labels", "gone"] }] });
    const known = labelNamesIn([deleted, created]);
    expect(known.get("gone")).toBe("Old");
    expect(
      describeEntry(deleted, plan, undefined, boardNames(asBoard(plan), new Map(), known)),
    ).toBe("Ada deleted the label “Old”");
  });
});

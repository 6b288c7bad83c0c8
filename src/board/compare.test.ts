import { describe, expect, it } from "vitest";
import { compareBoards, describeChange } from "./compare";
import type { BoardDoc } from "./schema";

const before: BoardDoc = {
  title: "Home",
  lists: {
    g: {
      title: "Groceries",
      items: {
        milk: { text: "Milk", done: false },
        eggs: { text: "Eggs", done: true },
        tea: { text: "Tea", done: false },
        jam: { text: "Jam", done: false },
      },
    },
    w: { title: "Work", items: { memo: { text: "Memo", done: false } } },
    old: { title: "Old", items: { x: { text: "X", done: false } } },
  },
};

const after: BoardDoc = {
  title: "Home",
  lists: {
    g: {
      title: "Shopping",
      items: {
        milk: { text: "Oat milk", done: true },
        eggs: { text: "Eggs", done: false },
        bread: { text: "Bread", done: false },
      },
    },
    w: {
      title: "Work",
      items: { memo: { text: "Memo", done: false }, tea: { text: "Tea", done: false } },
    },
    new: { title: "Ideas", items: {} },
  },
};

describe("compareBoards", () => {
  it("says what differs between two versions, each change under its list", () => {
    const changes = compareBoards(before, after);
    expect(changes.map(describeChange).sort()).toEqual(
      [
        "Renamed the list “Groceries” to “Shopping”",
        "Added the list “Ideas”",
        "Removed the list “Old”",
        "Changed “Milk” to “Oat milk”",
        "Checked “Oat milk”",
        "Unchecked “Eggs”",
        "Added “Bread” to Shopping",
        "Moved “Tea” to Work",
        "Removed “Jam” from Shopping",
        "Removed “X” from Old",
      ].sort(),
    );
    expect(changes.find((c) => c.kind === "item-moved")).toMatchObject({ listId: "w" });
    expect(changes.find((c) => c.kind === "item-removed" && c.itemId === "x")).toMatchObject({
      listId: "old",
    });
  });

  it("finds nothing between a board and itself", () => {
    expect(compareBoards(after, after)).toEqual([]);
  });
});

describe("compare: card fields and labels", () => {
  it("reports cards whose fields changed, and labels added, renamed and removed", () => {
    const one = (item: object, labels: BoardDoc["labels"]): BoardDoc => ({
      title: "P",
      labels,
      lists: { l: { title: "L", items: { i: { text: "Launch", done: false, ...item } } } },
    });
    const changes = compareBoards(
      one({ due: null }, { a: { name: "A", color: "red" }, b: { name: "B", color: "red" } }),
      one(
        { due: "2026-12-12", labels: ["a"], assignees: ["bob"], description: "" },
        { a: { name: "A2", color: "red" }, c: { name: "C", color: "blue" } },
      ),
    );
    expect(changes).toEqual([
      { kind: "label-changed", labelId: "a", from: "A", to: "A2" },
      { kind: "label-added", labelId: "c", name: "C" },
      { kind: "label-removed", labelId: "b", name: "B" },
      {
        kind: "item-fields",
        listId: "l",
        itemId: "i",
        text: "Launch",
        fields: ["due", "assignees", "labels"],
      },
    ]);
    expect(changes.map(describeChange)).toEqual([
      "Renamed the label “A” to “A2”",
      "Created the label “C”",
      "Deleted the label “B”",
      "Changed the due date, assignees and labels of “Launch”",
    ]);
  });
});

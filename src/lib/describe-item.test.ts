import { describe, expect, it } from "vitest";
import type { ItemState } from "@/board/item-story";
import { describeItemEntry, type ItemEntry } from "./describe-item";

const board = {
  title: "Home",
  lists: { f: { title: "Food", items: {} }, d: { title: "Drinks", items: {} } },
};
const milk: ItemState = { listId: "f", text: "milk", done: false, order: "a0" };
const entry = (
  kind: ItemEntry["kind"],
  before: ItemState | null,
  after: ItemState | null,
): ItemEntry => ({ kind, user: { name: "Ada" }, item: { before, after } });

describe("describeItemEntry", () => {
  it("says what happened to the item, in the timeline's style", () => {
    const cases: [ItemEntry, string][] = [
      [entry("edit", null, milk), "Ada added “milk” to Food"],
      [entry("edit", milk, { ...milk, text: "oat milk" }), "Ada changed “milk” to “oat milk”"],
      [entry("edit", milk, { ...milk, done: true }), "Ada checked “milk”"],
      [entry("edit", { ...milk, done: true }, milk), "Ada unchecked “milk”"],
      [entry("edit", milk, { ...milk, order: "a5" }), "Ada moved “milk” in Food"],
      [
        entry("restore", milk, { ...milk, listId: "d" }),
        "Ada restored the item: moved “milk” to Drinks",
      ],
      [entry("edit", milk, null), "Ada deleted “milk” from Food"],
      [entry("edit", { ...milk, listId: "gone" }, null), "Ada deleted “milk” from a deleted list"],
      [entry("restore", null, milk), "Ada restored “milk” to Food"],
      [
        entry("undo", { ...milk, text: "x", done: true }, milk),
        "Ada undid a change: changed “x” to “milk” and unchecked “milk”",
      ],
      [entry("redo", milk, null), "Ada redid a change: deleted “milk” from Food"],
    ];
    for (const [given, sentence] of cases) expect(describeItemEntry(given, board)).toBe(sentence);
  });
});

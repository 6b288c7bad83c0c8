import { describe, expect, it } from "vitest";
import { itemChangePhrases } from "./item-changes";
import type { ItemState } from "./item-story";
import { boardNames } from "./names";

const names = boardNames(
  {
    title: "Plan",
    lists: { todo: { title: "To do" }, doing: { title: "Doing" } },
    labels: { urgent: { name: "Urgent", color: "red" }, bug: { name: "Bug", color: "green" } },
  },
  new Map([
    ["bob", "Bob"],
    ["cy", "Cy"],
  ]),
  new Map([["old", "Old label"]]),
);
const launch: ItemState = { listId: "todo", text: "Launch", done: false };
const phrases = (after: Partial<ItemState>, before: Partial<ItemState> = {}) =>
  itemChangePhrases({ ...launch, ...before }, { ...launch, ...after }, names);

describe("sentences for every field", () => {
  it("says what changed, in the timeline's words", () => {
    expect(phrases({ due: "2026-12-12" })).toEqual(["set the due date of “Launch” to 12 Dec 2026"]);
    expect(phrases({ due: null }, { due: "2026-12-12" })).toEqual([
      "cleared the due date of “Launch”",
    ]);
    expect(phrases({ assignees: ["bob"] })).toEqual(["assigned Bob to “Launch”"]);
    expect(phrases({ assignees: ["bob", "cy"] }, { assignees: [] })).toEqual([
      "assigned Bob and Cy to “Launch”",
    ]);
    expect(phrases({ assignees: [] }, { assignees: ["bob"] })).toEqual([
      "unassigned Bob from “Launch”",
    ]);
    expect(phrases({ assignees: [] }, { assignees: ["ghost"] })).toEqual([
      "unassigned a former member from “Launch”",
    ]);
    expect(phrases({ labels: ["urgent"] })).toEqual(["added the label “Urgent” to “Launch”"]);
    expect(phrases({ labels: [] }, { labels: ["urgent", "old"] })).toEqual([
      "removed the labels “Urgent” and “Old label” from “Launch”",
    ]);
    expect(phrases({ description: "Ship it" })).toEqual(["edited the description of “Launch”"]);
    expect(phrases({ listId: "doing" })).toEqual(["moved “Launch” to Doing"]);
    expect(phrases({ done: true, text: "Go" })).toEqual([
      "changed “Launch” to “Go”",
      "checked “Go”",
    ]);
    expect(phrases({ due: null })).toEqual([]); // unset and null are the same
  });
});

import { describe, expect, it } from "vitest";
import { type MergeableEntry, mergeTimeline, newestVersion } from "./timeline-merge";

const entry = (actionId: string, toVersion: number, more: Partial<MergeableEntry> = {}) => ({
  actionId,
  kind: "edit" as const,
  undone: false,
  toVersion,
  ...more,
});

describe("mergeTimeline", () => {
  it("puts new entries on top, replaces continued ones, and flips what undos and redos target", () => {
    const pages = [
      { entries: [entry("c", 3), entry("b", 2)], nextCursor: "2" },
      { entries: [entry("a", 1)], nextCursor: null },
    ];
    const merged = mergeTimeline(pages, [
      entry("c", 4),
      entry("d", 5),
      entry("u", 6, { kind: "undo", targetActionId: "a" }),
    ]);
    expect(
      merged.map((page) => page.entries.map((e) => [e.actionId, e.toVersion, e.undone])),
    ).toEqual([
      [
        ["u", 6, false],
        ["d", 5, false],
        ["c", 4, false],
        ["b", 2, false],
      ],
      [["a", 1, true]],
    ]);
    expect(pages[0]?.entries).toHaveLength(2); // the cache given is not changed
    const redone = mergeTimeline(merged, [entry("r", 7, { kind: "redo", targetActionId: "a" })]);
    expect(redone[1]?.entries[0]?.undone).toBe(false);
    expect(newestVersion(redone)).toBe(7);
    expect(newestVersion([])).toBe(0);
  });
});

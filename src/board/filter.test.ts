import { describe, expect, it } from "vitest";
import {
  filterFromParams,
  filterToParams,
  foldText,
  type ItemFilter,
  itemMatcher,
  NO_FILTER,
} from "./filter";
import type { ItemNode } from "./schema";

const today = "2026-12-09"; // a Wednesday: its week is Mon 7 – Sun 13 Dec
const match = (filter: Partial<ItemFilter>, item: ItemNode) =>
  itemMatcher({ ...NO_FILTER, ...filter }, { me: "ada", today })(item);
const card = (over: Partial<ItemNode> = {}): ItemNode => ({ text: "Launch", done: false, ...over });

describe("filter matching", () => {
  it("finds words in text and description, ignoring case and accents", () => {
    expect(foldText("Crème BRÛLÉE")).toBe("creme brulee");
    expect(match({ q: "creme" }, card({ text: "Crème brûlée" }))).toBe(true);
    expect(match({ q: "LAUNCH" }, card())).toBe(true);
    expect(match({ q: "rocket" }, card({ description: "Fuel the Rocket" }))).toBe(true);
    expect(match({ q: "launch rocket" }, card({ description: "rocket" }))).toBe(true);
    expect(match({ q: "launch moon" }, card({ description: "rocket" }))).toBe(false);
  });

  it("filters by assignee: me, a member, nobody", () => {
    expect(match({ assignee: "me" }, card({ assignees: ["ada"] }))).toBe(true);
    expect(match({ assignee: "me" }, card({ assignees: ["bob"] }))).toBe(false);
    expect(match({ assignee: "bob" }, card({ assignees: ["ada", "bob"] }))).toBe(true);
    expect(match({ assignee: "nobody" }, card())).toBe(true);
    expect(match({ assignee: "nobody" }, card({ assignees: [] }))).toBe(true);
    expect(match({ assignee: "nobody" }, card({ assignees: ["bob"] }))).toBe(false);
  });

  it("filters by label and by due date", () => {
    expect(match({ label: "urgent" }, card({ labels: ["urgent"] }))).toBe(true);
    expect(match({ label: "urgent" }, card())).toBe(false);
    expect(match({ due: "overdue" }, card({ due: "2026-12-08" }))).toBe(true);
    expect(match({ due: "overdue" }, card({ due: "2026-12-08", done: true }))).toBe(false);
    expect(match({ due: "overdue" }, card({ due: today }))).toBe(false);
    expect(match({ due: "week" }, card({ due: "2026-12-07" }))).toBe(true);
    expect(match({ due: "week" }, card({ due: "2026-12-13" }))).toBe(true);
    expect(match({ due: "week" }, card({ due: "2026-12-14" }))).toBe(false);
    expect(match({ due: "none" }, card())).toBe(true);
    expect(match({ due: "none" }, card({ due: "2026-12-14" }))).toBe(false);
  });

  it("lives in the URL", () => {
    const filter: ItemFilter = { q: "a b", assignee: "me", label: "", due: "overdue" };
    const params = filterToParams(filter);
    expect(params.toString()).toBe("q=a+b&assignee=me&due=overdue");
    expect(filterFromParams(params)).toEqual(filter);
    expect(filterFromParams(new URLSearchParams("due=soon")).due).toBe("");
  });
});

import { weekOf } from "./dates";
import type { ItemNode } from "./schema";

/**
 * What the filter bar asks for, as it stands in the URL (`?q=&assignee=&label=&due=`): words to
 * find in a card's text or description; whose cards (`me`, `nobody`, a user id, or anyone when
 * empty); a label id (any when empty); and `overdue`, `week` (due this week) or `none` (no due date).
 */
export interface ItemFilter {
  q: string;
  assignee: string;
  label: string;
  due: "" | "overdue" | "week" | "none";
}

export const NO_FILTER: ItemFilter = { q: "", assignee: "", label: "", due: "" };

const DUE_VALUES = new Set(["overdue", "week", "none"]);

/** The filter in URL search params (unknown values are ignored). */
export function filterFromParams(params: { get(name: string): string | null }): ItemFilter {
  const due = params.get("due") ?? "";
  return {
    q: params.get("q") ?? "",
    assignee: params.get("assignee") ?? "",
    label: params.get("label") ?? "",
    due: DUE_VALUES.has(due) ? (due as ItemFilter["due"]) : "",
  };
}

/** The filter as URL search params, leaving out what is not set. */
export function filterToParams(filter: ItemFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["q", "assignee", "label", "due"] as const) {
    if (filter[key]) params.set(key, filter[key]);
  }
  return params;
}

export const isFiltering = (filter: ItemFilter) =>
  filter.q.trim() !== "" || filter.assignee !== "" || filter.label !== "" || filter.due !== "";

/** Lower case, without accents: "Crème Brûlée" → "creme brulee". */
export function foldText(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Items are immutable (Immer): each one's folded text is computed once, while it lives. */
const folded = new WeakMap<ItemNode, string>();

function searchable(item: ItemNode): string {
  let text = folded.get(item);
  if (text === undefined) {
    text = foldText(item.description ? `${item.text}\n${item.description}` : item.text);
    folded.set(item, text);
  }
  return text;
}

/** A filter ready to run over many items: its words folded, today's week worked out once. */
export function itemMatcher(
  filter: ItemFilter,
  context: { me: string; today: string },
): (item: ItemNode) => boolean {
  const words = foldText(filter.q).split(/\s+/).filter(Boolean);
  const week = weekOf(context.today);
  const assignee = filter.assignee === "me" ? context.me : filter.assignee;
  return (item) => {
    if (words.length > 0) {
      const text = searchable(item);
      if (!words.every((word) => text.includes(word))) return false;
    }
    if (assignee === "nobody") {
      if ((item.assignees?.length ?? 0) > 0) return false;
    } else if (assignee && !item.assignees?.includes(assignee)) return false;
    if (filter.label && !item.labels?.includes(filter.label)) return false;
    const due = item.due ?? null;
    switch (filter.due) {
      case "overdue":
        return due !== null && due < context.today && !item.done;
      case "week":
        return due !== null && due >= week.first && due <= week.last;
      case "none":
        return due === null;
      default:
        return true;
    }
  };
}

/** Whether a card is overdue: due before today and not done. */
export const isOverdue = (item: ItemNode, today: string) =>
  !item.done && typeof item.due === "string" && item.due < today;

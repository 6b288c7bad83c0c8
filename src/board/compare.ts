import type { BoardDoc, ItemNode, ListNode } from "./schema";

/** One difference between two versions of a board, as people say it. */
export type BoardChange =
  | { kind: "list-added"; listId: string; title: string }
  | { kind: "list-removed"; listId: string; title: string }
  | { kind: "list-renamed"; listId: string; from: string; to: string }
  | { kind: "item-added"; listId: string; itemId: string; text: string; list: string }
  | { kind: "item-removed"; listId: string; itemId: string; text: string; list: string }
  | { kind: "item-changed"; listId: string; itemId: string; from: string; to: string }
  | { kind: "item-checked"; listId: string; itemId: string; text: string }
  | { kind: "item-unchecked"; listId: string; itemId: string; text: string }
  | { kind: "item-moved"; listId: string; itemId: string; text: string; list: string }
  | { kind: "item-fields"; listId: string; itemId: string; text: string; fields: ItemField[] }
  | { kind: "label-added"; labelId: string; name: string }
  | { kind: "label-removed"; labelId: string; name: string }
  | { kind: "label-changed"; labelId: string; from: string; to: string };

/** The fields of a card beyond its text, done state and place. */
export const ITEM_FIELDS = ["description", "due", "assignees", "labels"] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

const FIELD_NAMES: Record<ItemField, string> = {
  description: "description",
  due: "due date",
  assignees: "assignees",
  labels: "labels",
};

/** Whether an item's `field` differs between two versions (unset and empty are the same). */
function fieldChanged(before: ItemNode, after: ItemNode, field: ItemField): boolean {
  const empty = field === "description" ? "" : field === "due" ? null : [];
  return JSON.stringify(before[field] ?? empty) !== JSON.stringify(after[field] ?? empty);
}

const items = (list: ListNode | undefined): Record<string, ItemNode> => list?.items ?? {};

/** Where each item of the board is: item id → its list's id and the item. */
function itemsByList(board: BoardDoc) {
  const found = new Map<string, { listId: string; item: ItemNode }>();
  for (const [listId, list] of Object.entries(board.lists)) {
    for (const [itemId, item] of Object.entries(items(list))) found.set(itemId, { listId, item });
  }
  return found;
}

/**
 * What differs from `before` to `after`: lists and labels added, removed and renamed; items added,
 * removed, changed, checked or unchecked, moved to another list, and their other fields changed. Each change names its list as it is
 * in `after` (as it was, when the list is gone). Cost follows the boards' size.
 */
export function compareBoards(before: BoardDoc, after: BoardDoc): BoardChange[] {
  const changes: BoardChange[] = [];
  for (const [listId, list] of Object.entries(after.lists)) {
    const old = before.lists[listId];
    if (!old) changes.push({ kind: "list-added", listId, title: list.title });
    else if (old.title !== list.title) {
      changes.push({ kind: "list-renamed", listId, from: old.title, to: list.title });
    }
  }
  for (const [listId, list] of Object.entries(before.lists)) {
    if (!after.lists[listId]) changes.push({ kind: "list-removed", listId, title: list.title });
  }
  for (const [labelId, label] of Object.entries(after.labels ?? {})) {
    const old = before.labels?.[labelId];
    if (!old) changes.push({ kind: "label-added", labelId, name: label.name });
    else if (old.name !== label.name || old.color !== label.color) {
      changes.push({ kind: "label-changed", labelId, from: old.name, to: label.name });
    }
  }
  for (const [labelId, label] of Object.entries(before.labels ?? {})) {
    if (!after.labels?.[labelId])
      changes.push({ kind: "label-removed", labelId, name: label.name });
  }
  const was = itemsByList(before);
  const now = itemsByList(after);
  for (const [itemId, { listId, item }] of now) {
    const list = after.lists[listId]?.title ?? "";
    const old = was.get(itemId);
    if (!old) {
      changes.push({ kind: "item-added", listId, itemId, text: item.text, list });
      continue;
    }
    if (old.listId !== listId) {
      changes.push({ kind: "item-moved", listId, itemId, text: item.text, list });
    }
    if (old.item.text !== item.text) {
      changes.push({ kind: "item-changed", listId, itemId, from: old.item.text, to: item.text });
    }
    if (Boolean(old.item.done) !== Boolean(item.done)) {
      const kind = item.done ? "item-checked" : "item-unchecked";
      changes.push({ kind, listId, itemId, text: item.text });
    }
    const fields = ITEM_FIELDS.filter((field) => fieldChanged(old.item, item, field));
    if (fields.length > 0) {
      changes.push({ kind: "item-fields", listId, itemId, text: item.text, fields });
    }
  }
  for (const [itemId, { listId, item }] of was) {
    if (now.has(itemId)) continue;
    const list = (after.lists[listId] ?? before.lists[listId])?.title ?? "";
    changes.push({ kind: "item-removed", listId, itemId, text: item.text, list });
  }
  return changes;
}

/** The sentence for a change, as the timeline says things ("Added “Milk” to Groceries"). */
export function describeChange(change: BoardChange): string {
  switch (change.kind) {
    case "list-added":
      return `Added the list “${change.title}”`;
    case "list-removed":
      return `Removed the list “${change.title}”`;
    case "list-renamed":
      return `Renamed the list “${change.from}” to “${change.to}”`;
    case "item-added":
      return `Added “${change.text}” to ${change.list}`;
    case "item-removed":
      return `Removed “${change.text}” from ${change.list}`;
    case "item-changed":
      return `Changed “${change.from}” to “${change.to}”`;
    case "item-checked":
      return `Checked “${change.text}”`;
    case "item-unchecked":
      return `Unchecked “${change.text}”`;
    case "item-moved":
      return `Moved “${change.text}” to ${change.list}`;
    case "item-fields": {
      const names = change.fields.map((field) => FIELD_NAMES[field]);
      const list =
        names.length <= 1
          ? (names[0] ?? "")
          : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
      return `Changed the ${list} of “${change.text}”`;
    }
    case "label-added":
      return `Created the label “${change.name}”`;
    case "label-removed":
      return `Deleted the label “${change.name}”`;
    case "label-changed":
      return change.from === change.to
        ? `Recoloured the label “${change.to}”`
        : `Renamed the label “${change.from}” to “${change.to}”`;
  }
}

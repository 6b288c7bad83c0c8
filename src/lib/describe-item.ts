import { asBoard } from "@/board";
import type { ItemState } from "@/board/item-story";
import type { Doc } from "@/sync";

/** An entry of one item's history, as `history.list` with `itemId` returns it. */
export interface ItemEntry {
  kind: "edit" | "undo" | "redo" | "restore";
  user: { name: string };
  item?: { before: ItemState | null; after: ItemState | null };
}

const quote = (text: string) => `“${text || "…"}”`;

/** "a, b and c" */
function joined(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/**
 * A sentence for an entry of one item's history, in the timeline's style: `Bob changed “milk” to
 * “oat milk”`, `Ada checked “milk”`, `Bob moved “milk” to Drinks`, `Ada undid a change: …`.
 * Lists are named as they are in `document` (the board now).
 */
export function describeItemEntry(entry: ItemEntry, document: Doc | null): string {
  const who = entry.user.name;
  const lists = document ? asBoard(document).lists : {};
  const listName = (listId: string) => lists[listId]?.title ?? "a deleted list";
  const before = entry.item?.before ?? null;
  const after = entry.item?.after ?? null;
  let change: string;
  if (!before && after) {
    const verb = entry.kind === "restore" ? "restored" : "added";
    return `${who} ${verb} ${quote(after.text)} to ${listName(after.listId)}`;
  }
  if (before && !after) change = `deleted ${quote(before.text)} from ${listName(before.listId)}`;
  else if (before && after) {
    const parts: string[] = [];
    if (before.text !== after.text)
      parts.push(`changed ${quote(before.text)} to ${quote(after.text)}`);
    if (before.done !== after.done) {
      parts.push(`${after.done ? "checked" : "unchecked"} ${quote(after.text)}`);
    }
    if (before.listId !== after.listId) {
      parts.push(`moved ${quote(after.text)} to ${listName(after.listId)}`);
    } else if (before.order !== after.order) {
      parts.push(`moved ${quote(after.text)} in ${listName(after.listId)}`);
    }
    change = parts.length > 0 ? joined(parts) : `left ${quote(after.text)} as it was`;
  } else change = "changed an item";
  const prefix = {
    edit: "",
    undo: "undid a change: ",
    redo: "redid a change: ",
    restore: "restored the item: ",
  }[entry.kind];
  return `${who} ${prefix}${change}`;
}

import { asBoard } from "@/board";
import { itemChangePhrases, joined } from "@/board/item-changes";
import type { ItemState } from "@/board/item-story";
import { type BoardNames, boardNames } from "@/board/names";
import type { Doc } from "@/sync";

/** An entry of one item's history, as `history.list` with `itemId` returns it. */
export interface ItemEntry {
  kind: "edit" | "undo" | "redo" | "restore";
  user: { name: string };
  item?: { before: ItemState | null; after: ItemState | null };
}

const quote = (text: string) => `“${text || "…"}”`;

/**
 * A sentence for an entry of one item's history, in the timeline's style: `Bob changed “milk” to
 * “oat milk”`, `Ada checked “milk”`, `Bob moved “milk” to Drinks`, `Ada assigned Bob to “milk”`,
 * `Ada undid a change: …`. Lists, labels and people are named by `names` (by default from
 * `document`, the board now).
 */
export function describeItemEntry(
  entry: ItemEntry,
  document: Doc | null,
  names: BoardNames = boardNames(document ? asBoard(document) : null),
): string {
  const who = entry.user.name;
  const before = entry.item?.before ?? null;
  const after = entry.item?.after ?? null;
  let change: string;
  if (!before && after) {
    const verb = entry.kind === "restore" ? "restored" : "added";
    return `${who} ${verb} ${quote(after.text)} to ${names.list(after.listId)}`;
  }
  if (before && !after) {
    change = `deleted ${quote(before.text)} from ${names.list(before.listId)}`;
  } else if (before && after) {
    const parts = itemChangePhrases(before, after, names);
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

import type { ItemState } from "@/board/item-story";
import type { Command, EntryKind } from "@/sync";
import type { EntryRecord } from "./HistoryStore";

/** One entry of the timeline, as `history.list` returns it. */
export interface HistoryEntry {
  actionId: string;
  kind: EntryKind;
  label: string;
  user: { id: string; name: string };
  at: Date;
  fromVersion: number;
  toVersion: number;
  undone: boolean;
  targetActionId?: string;
  commands: Command[];
  /** In one item's history (`history.list` with `itemId`): the item just before and after. */
  item?: { before: ItemState | null; after: ItemState | null };
}

export interface Actor {
  id: string;
  name: string;
}

/** A stored entry as the timeline shows it, by `user`, without its commands. */
export function toEntry(
  row: Pick<
    EntryRecord,
    | "actionId"
    | "kind"
    | "label"
    | "createdAt"
    | "fromVersion"
    | "toVersion"
    | "undone"
    | "targetActionId"
  >,
  user: Actor,
): Omit<HistoryEntry, "commands"> {
  const entry: Omit<HistoryEntry, "commands"> = {
    actionId: row.actionId,
    kind: row.kind,
    label: row.label,
    user,
    at: row.createdAt,
    fromVersion: row.fromVersion,
    toVersion: row.toVersion,
    undone: row.undone,
  };
  if (row.targetActionId) entry.targetActionId = row.targetActionId;
  return entry;
}

import type { Command } from "@/sync";
import { placeOf } from "./paths";

/** The list and the item a command is about (stored with it, so their stories are indexed). */
export interface CommandTarget {
  /** The list the command changes, is in, or creates. */
  listId: string | null;
  /** The item the command changes or creates; null for a command on a list or the board. */
  itemId: string | null;
}

const NONE: CommandTarget = { listId: null, itemId: null };

/**
 * What `command` targets: `["lists", L]` is list L, `["lists", L, "items", I]` item I of L, and a
 * create names what it creates in `createdId` (a list under `["lists"]`, an item under
 * `["lists", L, "items"]`). The migration `command_targets` backfills stored commands the same way.
 */
export function commandTarget(command: Command): CommandTarget {
  const place = placeOf(command.path);
  if (!place) return NONE;
  const created = command.action === "create" ? (command.createdId ?? null) : null;
  switch (place.kind) {
    case "board":
    case "labels":
    case "label":
      return NONE;
    case "lists":
      return { listId: created, itemId: null };
    case "list":
      return { listId: place.listId, itemId: null };
    case "items":
      return { listId: place.listId, itemId: created };
    case "item":
      return { listId: place.listId, itemId: place.itemId };
  }
}

import type { Command, JsonObject } from "@/sync";
import { ITEM_FIELDS } from "./compare";
import { ordered } from "./order";
import { boardPath } from "./paths";
import type { BoardDoc, ItemNode } from "./schema";

/** Where an item is on a board, or null when it is on none of its lists. */
export function findItem(
  board: BoardDoc,
  itemId: string,
): { listId: string; item: ItemNode } | null {
  for (const [listId, list] of Object.entries(board.lists)) {
    const item = list.items?.[itemId];
    if (item) return { listId, item };
  }
  return null;
}

const quote = (text: string) => `“${text || "…"}”`;

/** What restoring an item appends, or why it cannot. */
export type ItemRestorePlan =
  | { ok: true; commands: Command[]; label: string; notice?: string }
  | { ok: false; kind: "not-found" | "refused"; message: string };

/**
 * The commands that bring item `itemId` back to how it was in `past` (its text, done state, list,
 * order, description, due date, assignees and labels) on the board as it is `now`: an update when it is still in that list, else it is
 * taken from where it is and created again there, with its id. When that list is gone, the item
 * goes to the first list instead, and `notice` says so; so it does for labels deleted since, which
 * are left off.
 */
export function planItemRestore(
  now: BoardDoc,
  past: BoardDoc,
  itemId: string,
  version: number,
): ItemRestorePlan {
  const was = findItem(past, itemId);
  if (!was) {
    return {
      ok: false,
      kind: "not-found",
      message: `This board had no item ${itemId} at version ${version}`,
    };
  }
  let { item } = was;
  let listId = was.listId;
  let notice: string | undefined;
  if (!now.lists[listId]) {
    const first = ordered(now.lists)[0];
    if (!first) {
      return {
        ok: false,
        kind: "refused",
        message: `The list of ${quote(item.text)} no longer exists, and the board has no list to restore it into`,
      };
    }
    notice = `The list ${quote(past.lists[listId]?.title ?? "")} no longer exists: ${quote(item.text)} was restored into ${quote(first[1].title)}`;
    listId = first[0];
  }
  // Labels deleted since are left off (an assignee who left the board stays, a former member).
  if (item.labels?.some((id) => !now.labels?.[id])) {
    const gone = item.labels.filter((id) => !now.labels?.[id]);
    const names = gone.map((id) => quote(past.labels?.[id]?.name ?? "")).join(", ");
    const left = `${gone.length === 1 ? "The label" : "The labels"} ${names} no longer ${gone.length === 1 ? "exists" : "exist"}: left off ${quote(item.text)}`;
    notice = notice ? `${notice}. ${left}` : left;
    item = { ...item, labels: item.labels.filter((id) => now.labels?.[id]) };
  }
  const label = `Restore ${quote(item.text)}`;
  const is = findItem(now, itemId);
  if (is && is.listId === listId) {
    const props: JsonObject = {};
    if (is.item.text !== item.text) props.text = item.text;
    if (is.item.done !== item.done) props.done = item.done;
    if (item.order !== undefined && is.item.order !== item.order) props.order = item.order;
    for (const field of ITEM_FIELDS) {
      const empty = field === "description" ? "" : field === "due" ? null : [];
      const was = item[field] ?? empty;
      if (JSON.stringify(is.item[field] ?? empty) !== JSON.stringify(was)) {
        props[field] = structuredClone(was) as JsonObject[string];
      }
    }
    if (Object.keys(props).length === 0) {
      return {
        ok: false,
        kind: "refused",
        message: `${quote(item.text)} is already as it was at version ${version}`,
      };
    }
    return {
      ok: true,
      label,
      notice,
      commands: [{ action: "update", path: boardPath.item(listId, itemId), props }],
    };
  }
  const commands: Command[] = [];
  if (is) commands.push({ action: "delete", path: boardPath.item(is.listId, itemId) });
  commands.push({
    action: "create",
    path: boardPath.items(listId),
    createdId: itemId,
    props: structuredClone(item) as unknown as JsonObject,
    parentDefault: {},
  });
  return { ok: true, label, notice, commands };
}

/** The commands that bring list `listId` back, with its items, as it was in `past`. */
export function planListRestore(
  now: BoardDoc,
  past: BoardDoc,
  listId: string,
  version: number,
): ItemRestorePlan {
  const list = past.lists[listId];
  if (!list) {
    return {
      ok: false,
      kind: "not-found",
      message: `This board had no list ${listId} at version ${version}`,
    };
  }
  if (now.lists[listId]) {
    return {
      ok: false,
      kind: "refused",
      message: `The list ${quote(list.title)} is on the board already`,
    };
  }
  return {
    ok: true,
    label: `Restore list ${quote(list.title)}`,
    commands: [
      {
        action: "create",
        path: boardPath.lists(),
        createdId: listId,
        props: structuredClone(list) as unknown as JsonObject,
      },
    ],
  };
}

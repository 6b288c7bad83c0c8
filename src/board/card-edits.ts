import type { Command, JsonObject } from "@/sync";
import { orderAtEnd, ordered } from "./order";
import { boardPath } from "./paths";
import { findItem } from "./restore-item";
import type { BoardDoc, LabelNode } from "./schema";

/**
 * The commands that move card `itemId` to the end of list `toListId`: created there with its id
 * and every field, then deleted where it was (the rules keep its stamps and its assignees). Empty
 * when the card or the list is missing, or it is there already.
 */
export function moveCardCommands(board: BoardDoc, itemId: string, toListId: string): Command[] {
  const found = findItem(board, itemId);
  const target = board.lists[toListId];
  if (!found || !target || found.listId === toListId) return [];
  const { createdAt: _a, createdBy: _b, ...fields } = found.item;
  const props = {
    ...fields,
    labels: liveLabels(board, fields.labels),
    order: orderAtEnd(ordered(target.items)),
  };
  if (props.labels === undefined) delete props.labels;
  return [
    {
      action: "create",
      path: boardPath.items(toListId),
      createdId: itemId,
      props: structuredClone(props) as unknown as JsonObject,
      parentDefault: {},
    },
    { action: "delete", path: boardPath.item(found.listId, itemId) },
  ];
}

/** `labels` without the ids of labels deleted since (a card may still carry one after a race). */
export function liveLabels(board: BoardDoc, labels: string[] | undefined): string[] | undefined {
  return labels?.filter((id) => board.labels?.[id] !== undefined);
}

/** `ids` with `id` added (at the end) or taken out. */
export function toggled(ids: readonly string[] | undefined, id: string, on: boolean): string[] {
  const rest = (ids ?? []).filter((other) => other !== id);
  return on ? [...rest, id] : rest;
}

/**
 * The commands that delete label `labelId` and take it off every card that carries it, as one
 * action (cost follows the board's cards, once, when someone deletes a label).
 */
export function deleteLabelCommands(board: BoardDoc, labelId: string): Command[] {
  const commands: Command[] = [{ action: "delete", path: boardPath.label(labelId) }];
  for (const [listId, list] of Object.entries(board.lists)) {
    for (const [itemId, item] of Object.entries(list.items ?? {})) {
      if (!item.labels?.includes(labelId)) continue;
      const labels = (liveLabels(board, item.labels) ?? []).filter((id) => id !== labelId);
      commands.push({ action: "update", path: boardPath.item(listId, itemId), props: { labels } });
    }
  }
  return commands;
}

/** What `applyCommands` needs of a transaction (the engine's `Transaction`). */
interface Writer {
  create(
    path: string[],
    props?: JsonObject,
    options?: { parentDefault?: JsonObject; id?: string },
  ): string;
  update(path: string[], props: JsonObject): void;
  delete(path: string[]): void;
}

/** Makes `commands` inside one user action (`session.edit(label, tx => applyCommands(tx, …))`). */
export function applyCommands(tx: Writer, commands: readonly Command[]): void {
  for (const command of commands) {
    if (command.action === "create") {
      tx.create(command.path, command.props, {
        parentDefault: command.parentDefault,
        id: command.createdId,
      });
    } else if (command.action === "update") tx.update(command.path, command.props ?? {});
    else tx.delete(command.path);
  }
}

/** The board's labels by name (ignoring case), as the page lists them. */
export function sortedLabels(board: BoardDoc): [string, LabelNode][] {
  return Object.entries(board.labels ?? {}).sort(([, a], [, b]) =>
    a.name.localeCompare(b.name, "en", { sensitivity: "base" }),
  );
}

import type { Command } from "@/sync";

/** An item as its history shows it: where it is, what it says, and its fields. */
export interface ItemState {
  listId: string;
  text: string;
  done: boolean;
  order?: string;
  description?: string;
  due?: string | null;
  assignees?: string[];
  labels?: string[];
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === "string") ? [...value] : undefined;

/** A stored command with where it sits in the log and what it targets. */
export interface LoggedTarget {
  version: number;
  actionId: string;
  command: Command;
  listId: string | null;
  itemId: string | null;
}

/** One command that changed an item: the item just before and just after (null: not there). */
export interface ItemStep {
  version: number;
  actionId: string;
  before: ItemState | null;
  after: ItemState | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stateOf(listId: string, node: Record<string, unknown>, base?: ItemState): ItemState {
  const state: ItemState = base ? { ...base, listId } : { listId, text: "", done: false };
  if (typeof node.text === "string") state.text = node.text;
  if (typeof node.done === "boolean") state.done = node.done;
  if (typeof node.order === "string") state.order = node.order;
  if (typeof node.description === "string") state.description = node.description;
  if (typeof node.due === "string" || node.due === null) state.due = node.due;
  const assignees = strings(node.assignees);
  if (assignees) state.assignees = assignees;
  const labels = strings(node.labels);
  if (labels) state.labels = labels;
  return state;
}

/**
 * The steps of item `itemId`'s story, oldest first, from `log` (in version order): the item's own
 * commands (created, changed, moved, deleted), and its lists' own commands that carried it away
 * (the list deleted) or back (the list created again with the item in it, as a restore does).
 * Cost follows those commands, never the board's history.
 */
export function itemSteps(itemId: string, log: LoggedTarget[]): ItemStep[] {
  const steps: ItemStep[] = [];
  let state: ItemState | null = null;
  for (const { version, actionId, command, listId, itemId: target } of log) {
    const before: ItemState | null = state;
    if (target === itemId && listId !== null) {
      if (command.action === "delete") {
        // A move creates the card in its new list first: the copy it leaves is not the card.
        if (state !== null && state.listId !== listId) continue;
        state = null;
      } else if (command.action === "create") state = stateOf(listId, command.props ?? {});
      else state = stateOf(listId, command.props ?? {}, state ?? undefined);
    } else if (target === null && listId !== null) {
      if (command.action === "delete" && state?.listId === listId) state = null;
      else if (command.action === "create") {
        const nested = (command.props?.items as Record<string, unknown> | undefined)?.[itemId];
        if (!isObject(nested)) continue;
        state = stateOf(listId, nested);
      } else continue;
    } else continue;
    if (before === null && state === null) continue;
    steps.push({ version, actionId, before, after: state });
  }
  return steps;
}

/** The item just before and just after each entry (by action id) that changed it. */
export function itemChangesByEntry(
  steps: ItemStep[],
): Map<string, { before: ItemState | null; after: ItemState | null }> {
  const byEntry = new Map<string, { before: ItemState | null; after: ItemState | null }>();
  for (const step of steps) {
    const seen = byEntry.get(step.actionId);
    if (seen) seen.after = step.after;
    else byEntry.set(step.actionId, { before: step.before, after: step.after });
  }
  return byEntry;
}

/** List `listId`'s title as of `version`, from its own commands in `log`; null when none set it. */
export function listTitleAt(listId: string, log: LoggedTarget[], version: number): string | null {
  let title: string | null = null;
  for (const entry of log) {
    if (entry.version > version) break;
    if (entry.listId !== listId || entry.itemId !== null) continue;
    const props = entry.command.props ?? {};
    if (typeof props.title === "string") title = props.title;
  }
  return title;
}

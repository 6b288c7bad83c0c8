import type { Completion, Doc } from "@/sync";
import { asBoard } from "./board-doc";

/** A timeline entry as `history.list` returns it (the fields a description needs). */
export interface DescribedEntry {
  kind: "edit" | "undo" | "redo" | "restore";
  label: string;
  user: { name: string };
  commands: Completion[];
}

const quote = (text: unknown) => `“${typeof text === "string" && text !== "" ? text : "…"}”`;

/**
 * A readable sentence for a timeline entry, e.g. `Ada added “Buy milk” to Groceries`. Names of
 * lists and items come from the entry's own commands, else from `document` (the board now); what
 * no longer exists is named generically.
 */
export function describeEntry(entry: DescribedEntry, document: Doc | null): string {
  const who = entry.user.name;
  if (entry.kind === "undo") return `${who} undid ${quote(entry.label)}`;
  if (entry.kind === "redo") return `${who} redid ${quote(entry.label)}`;
  if (entry.kind === "restore") return `${who} restored ${entry.label.replace(/^Restore /, "")}`;

  const lists = document ? asBoard(document).lists : {};
  const listTitle = (listId: string | undefined) => {
    const created = entry.commands.find(
      (c) => c.action === "create" && c.path.length === 1 && c.createdId === listId,
    );
    const title = created?.props?.title ?? (listId ? lists?.[listId]?.title : undefined);
    return typeof title === "string" ? title : "a list";
  };
  const itemText = (listId: string | undefined, itemId: string | undefined) => {
    const text = listId && itemId ? lists?.[listId]?.items?.[itemId]?.text : undefined;
    return text ? quote(text) : "an item";
  };

  const first = entry.commands[0];
  if (!first) return `${who}: ${entry.label}`;
  const [, listId, , itemId] = first.path;
  const props = first.props ?? {};
  const depth = first.path.length;
  let sentence: string | null = null;
  if (first.action === "create" && depth === 1) {
    sentence = `added the list ${quote(props.title)}`;
  } else if (first.action === "create" && depth === 3) {
    sentence = `added ${quote(props.text)} to ${listTitle(listId)}`;
  } else if (first.action === "update" && depth === 0 && "title" in props) {
    sentence = `renamed the board to ${quote(props.title)}`;
  } else if (first.action === "update" && depth === 2) {
    sentence =
      "title" in props
        ? `renamed the list to ${quote(props.title)}`
        : `moved the list ${quote(listTitle(listId))}`;
  } else if (first.action === "update" && depth === 4) {
    if ("text" in props)
      sentence = `changed an item to ${quote(props.text)} in ${listTitle(listId)}`;
    else if ("done" in props)
      sentence = `${props.done ? "checked" : "unchecked"} ${itemText(listId, itemId)}`;
    else sentence = `moved ${itemText(listId, itemId)} in ${listTitle(listId)}`;
  } else if (first.action === "delete" && depth === 2) {
    sentence = `deleted the list ${quote(listTitle(listId))}`;
  } else if (first.action === "delete" && depth === 4) {
    sentence = `deleted an item from ${listTitle(listId)}`;
  }
  return sentence ? `${who} ${sentence}` : `${who}: ${entry.label}`;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "just now", "5 minutes ago", "yesterday"… */
export function relativeTime(at: Date, now: Date = new Date()): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60), "minute");
}

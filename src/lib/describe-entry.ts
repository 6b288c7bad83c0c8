import { asBoard, placeOf } from "@/board";
import type { Command, Doc } from "@/sync";

/** A timeline entry as `history.list` returns it (the fields a description needs). */
export interface DescribedEntry {
  kind: "edit" | "undo" | "redo" | "restore";
  label: string;
  user: { name: string };
  commands: Command[];
}

const quote = (text: unknown) => `“${typeof text === "string" && text !== "" ? text : "…"}”`;

/**
 * A readable sentence for a timeline entry, e.g. `Ada added “Buy milk” to Groceries`. Names of
 * lists and items come from the entry's own commands, else from `document` (the board now); what
 * no longer exists is named generically.
 */
export function describeEntry(
  entry: DescribedEntry,
  document: Doc | null,
  /** For an undo or redo: the entry it targets, when it is at hand. */
  target?: DescribedEntry,
): string {
  const who = entry.user.name;
  if (entry.kind === "undo" || entry.kind === "redo") {
    const verb = entry.kind === "undo" ? "undid" : "redid";
    if (!target) return `${who} ${verb} ${quote(entry.label)}`;
    const whose = target.user.name === who ? "" : ` ${target.user.name}’s change`;
    return `${who} ${verb}${whose}: ${describeChange(target, document)}`;
  }
  return `${who} ${describeChange(entry, document)}`;
}

/** What an entry did, without its author: `added “Buy milk” to Groceries`. */
function describeChange(entry: DescribedEntry, document: Doc | null): string {
  if (entry.kind === "restore") return `restored ${entry.label.replace(/^Restore /, "")}`;
  if (entry.kind !== "edit")
    return `${entry.kind === "undo" ? "undid" : "redid"} ${quote(entry.label)}`;

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
  const fallback = `changed the board (${quote(entry.label)})`;
  const place = first && placeOf(first.path);
  if (!first || !place) return fallback;
  const props = first.props ?? {};
  const listId = place.kind === "board" || place.kind === "lists" ? undefined : place.listId;
  let sentence: string | null = null;
  switch (`${first.action} ${place.kind}`) {
    case "create lists":
      sentence = `added the list ${quote(props.title)}`;
      break;
    case "create items":
      sentence = `added ${quote(props.text)} to ${listTitle(listId)}`;
      break;
    case "update board":
      if ("title" in props) sentence = `renamed the board to ${quote(props.title)}`;
      break;
    case "update list":
      sentence =
        "title" in props
          ? `renamed the list to ${quote(props.title)}`
          : `moved the list ${quote(listTitle(listId))}`;
      break;
    case "update item": {
      const itemId = place.kind === "item" ? place.itemId : undefined;
      if ("text" in props)
        sentence = `changed an item to ${quote(props.text)} in ${listTitle(listId)}`;
      else if ("done" in props)
        sentence = `${props.done ? "checked" : "unchecked"} ${itemText(listId, itemId)}`;
      else sentence = `moved ${itemText(listId, itemId)} in ${listTitle(listId)}`;
      break;
    }
    case "delete list":
      sentence = `deleted the list ${quote(listTitle(listId))}`;
      break;
    case "delete item":
      sentence = `deleted an item from ${listTitle(listId)}`;
      break;
  }
  return sentence ?? fallback;
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

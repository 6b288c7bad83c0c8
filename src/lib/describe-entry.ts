import { asBoard, placeOf } from "@/board";
import { formatDay } from "@/board/dates";
import { itemChangePhrases, joined } from "@/board/item-changes";
import type { ItemState } from "@/board/item-story";
import { type BoardNames, boardNames } from "@/board/names";
import type { Command, Doc } from "@/sync";

/** A timeline entry as `history.list` returns it (the fields a description needs). */
export interface DescribedEntry {
  kind: "edit" | "undo" | "redo" | "restore";
  label: string;
  user: { name: string };
  commands: Command[];
  /** When the entry changed one item: that item just before and after it. */
  item?: { before: ItemState | null; after: ItemState | null };
}

/** Names of labels set by `entries`' own commands (for labels deleted since). */
export function labelNamesIn(entries: readonly DescribedEntry[]): Map<string, string> {
  const names = new Map<string, string>();
  // Oldest last in a timeline: read backwards so the latest name wins.
  for (let i = entries.length - 1; i >= 0; i--) {
    for (const command of entries[i]?.commands ?? []) {
      const place = placeOf(command.path);
      const id =
        place?.kind === "labels"
          ? command.createdId
          : place?.kind === "label"
            ? place.labelId
            : undefined;
      const name = command.props?.name;
      if (id && typeof name === "string") names.set(id, name);
    }
  }
  return names;
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
  /** How people, labels and lists are named (by default from `document`). */
  names: BoardNames = boardNames(document ? asBoard(document) : null),
): string {
  const who = entry.user.name;
  if (entry.kind === "undo" || entry.kind === "redo") {
    const verb = entry.kind === "undo" ? "undid" : "redid";
    if (!target) return `${who} ${verb} ${quote(entry.label)}`;
    const whose = target.user.name === who ? "" : ` ${target.user.name}’s change`;
    return `${who} ${verb}${whose}: ${describeChange(target, document, names)}`;
  }
  return `${who} ${describeChange(entry, document, names)}`;
}

/** What an entry did, without its author: `added “Buy milk” to Groceries`. */
function describeChange(entry: DescribedEntry, document: Doc | null, names: BoardNames): string {
  if (entry.kind === "restore") return `restored ${entry.label.replace(/^Restore /, "")}`;
  if (entry.kind !== "edit")
    return `${entry.kind === "undo" ? "undid" : "redid"} ${quote(entry.label)}`;
  const { before, after } = entry.item ?? {};
  if (before && after) {
    const phrases = itemChangePhrases(before, after, names);
    if (phrases.length > 0) return joined(phrases);
  }

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
  const listId = "listId" in place ? place.listId : undefined;
  const labelId = place.kind === "label" ? place.labelId : undefined;
  let sentence: string | null = null;
  switch (`${first.action} ${place.kind}`) {
    case "create labels":
      sentence = `created the label ${quote(props.name)}`;
      break;
    case "update label":
      if (typeof props.name === "string") sentence = `renamed the label to ${quote(props.name)}`;
      else if (typeof props.color === "string" && labelId) {
        sentence = `changed the colour of the label ${quote(names.label(labelId))} to ${props.color}`;
      }
      break;
    case "delete label":
      if (labelId) sentence = `deleted the label ${quote(names.label(labelId))}`;
      break;
    case "create lists":
      sentence = `added the list ${quote(props.title)}`;
      break;
    case "create items": {
      // Created in a list and taken from another, with its id: a move.
      const moved = entry.commands.some(
        (c) => c.action === "delete" && c.path.at(-1) === first.createdId && c.path[1] !== listId,
      );
      sentence = `${moved ? "moved" : "added"} ${quote(props.text)} to ${listTitle(listId)}`;
      break;
    }
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
      const it = itemText(listId, itemId);
      if ("text" in props)
        sentence = `changed an item to ${quote(props.text)} in ${listTitle(listId)}`;
      else if ("done" in props) sentence = `${props.done ? "checked" : "unchecked"} ${it}`;
      else if ("order" in props) sentence = `moved ${it} in ${listTitle(listId)}`;
      else if ("due" in props) {
        sentence =
          typeof props.due === "string"
            ? `set the due date of ${it} to ${formatDay(props.due)}`
            : `cleared the due date of ${it}`;
      } else if ("description" in props) sentence = `edited the description of ${it}`;
      else if ("assignees" in props) sentence = `changed who is assigned to ${it}`;
      else if ("labels" in props) sentence = `changed the labels of ${it}`;
      break;
    }
    case "delete list":
      sentence = `deleted the list ${quote(listTitle(listId))}`;
      break;
    case "delete item": {
      // Taken from one list and created in another, with its id: a move.
      const itemId = place.kind === "item" ? place.itemId : undefined;
      const moved = entry.commands.find(
        (c) => c.action === "create" && c.createdId === itemId && placeOf(c.path)?.kind === "items",
      );
      const movedTo = moved && placeOf(moved.path);
      sentence =
        movedTo && "listId" in movedTo
          ? `moved ${quote(moved.props?.text)} to ${listTitle(movedTo.listId)}`
          : `deleted an item from ${listTitle(listId)}`;
      break;
    }
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

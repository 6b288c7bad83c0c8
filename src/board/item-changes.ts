import { formatDay } from "./dates";
import type { ItemState } from "./item-story";
import type { BoardNames } from "./names";

const quote = (text: string | undefined) => `“${text || "…"}”`;

/** "a, b and c" */
export function joined(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

function added(before: string[] | undefined, after: string[] | undefined): string[] {
  const was = new Set(before ?? []);
  return (after ?? []).filter((id) => !was.has(id));
}

/**
 * What changed from `before` to `after` of one item, as phrases without their author, in the
 * timeline's words: `changed “a” to “b”`, `checked “a”`, `moved “a” to Doing`, `set the due date
 * of “a” to 12 Dec 2026`, `cleared the due date of “a”`, `assigned Bob to “a”`, `unassigned Bob
 * from “a”`, `added the label “Urgent” to “a”`, `removed the label “Urgent” from “a”`, `edited
 * the description of “a”`.
 */
export function itemChangePhrases(
  before: ItemState,
  after: ItemState,
  names: BoardNames,
): string[] {
  const parts: string[] = [];
  const it = quote(after.text);
  if (before.text !== after.text) parts.push(`changed ${quote(before.text)} to ${it}`);
  if (before.done !== after.done) parts.push(`${after.done ? "checked" : "unchecked"} ${it}`);
  if (before.listId !== after.listId) parts.push(`moved ${it} to ${names.list(after.listId)}`);
  else if (before.order !== after.order) parts.push(`moved ${it} in ${names.list(after.listId)}`);
  if ((before.due ?? null) !== (after.due ?? null)) {
    parts.push(
      after.due
        ? `set the due date of ${it} to ${formatDay(after.due)}`
        : `cleared the due date of ${it}`,
    );
  }
  const assigned = added(before.assignees, after.assignees).map(names.user);
  const unassigned = added(after.assignees, before.assignees).map(names.user);
  if (assigned.length > 0) parts.push(`assigned ${joined(assigned)} to ${it}`);
  if (unassigned.length > 0) parts.push(`unassigned ${joined(unassigned)} from ${it}`);
  const labelled = added(before.labels, after.labels).map((id) => quote(names.label(id)));
  const unlabelled = added(after.labels, before.labels).map((id) => quote(names.label(id)));
  const theLabels = (n: number) => (n === 1 ? "the label" : "the labels");
  if (labelled.length > 0) {
    parts.push(`added ${theLabels(labelled.length)} ${joined(labelled)} to ${it}`);
  }
  if (unlabelled.length > 0) {
    parts.push(`removed ${theLabels(unlabelled.length)} ${joined(unlabelled)} from ${it}`);
  }
  if ((before.description ?? "") !== (after.description ?? "")) {
    parts.push(`edited the description of ${it}`);
  }
  return parts;
}

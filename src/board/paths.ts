import type { Path } from "@/sync";

/** Where things are in a board's document. Paths are arrays, never joined into strings (P1). */
export const boardPath = {
  root: (): string[] => [],
  lists: (): string[] => ["lists"],
  list: (listId: string): string[] => ["lists", listId],
  items: (listId: string): string[] => ["lists", listId, "items"],
  item: (listId: string, itemId: string): string[] => ["lists", listId, "items", itemId],
  labels: (): string[] => ["labels"],
  label: (labelId: string): string[] => ["labels", labelId],
} as const;

/** What a path of a board's document points at, or null when it is not a place on a board. */
export type BoardPlace =
  | { kind: "board" }
  | { kind: "lists" }
  | { kind: "list"; listId: string }
  | { kind: "items"; listId: string }
  | { kind: "item"; listId: string; itemId: string }
  | { kind: "labels" }
  | { kind: "label"; labelId: string };

export function placeOf(path: Path): BoardPlace | null {
  const [top, listId, itemsKey, itemId, ...rest] = path;
  if (path.length === 0) return { kind: "board" };
  if (top === "labels") {
    if (path.length === 1) return { kind: "labels" };
    return path.length === 2 && listId !== undefined ? { kind: "label", labelId: listId } : null;
  }
  if (top !== "lists" || rest.length > 0) return null;
  if (listId === undefined) return { kind: "lists" };
  if (itemsKey === undefined) return { kind: "list", listId };
  if (itemsKey !== "items") return null;
  if (itemId === undefined) return { kind: "items", listId };
  return { kind: "item", listId, itemId };
}

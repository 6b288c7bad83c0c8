import type { Doc } from "@/sync";
import { isPlainObject } from "@/sync";
import type { BoardDoc } from "./schema";

/** A new board's document. */
export function emptyBoard(title: string): Doc {
  return { title, lists: {} };
}

/** The engine's document read as a board (the server's rules keep it in this shape). */
export const asBoard = (document: Doc) => document as unknown as BoardDoc;

/** Items on a board (done once when a board is loaded; the rules keep the count after that). */
export function countItems(document: Doc): number {
  let count = 0;
  const lists = document.lists;
  if (!isPlainObject(lists)) return 0;
  for (const list of Object.values(lists)) {
    if (isPlainObject(list) && isPlainObject(list.items)) count += Object.keys(list.items).length;
  }
  return count;
}

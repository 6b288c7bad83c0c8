import { generateKeyBetween } from "fractional-indexing";
import type { Doc } from "@/sync";

/** The board document's shape (see src/server/boards/rules.ts for the rules the server applies). */
export interface ItemNode {
  text: string;
  done: boolean;
  order?: string;
  createdAt?: string;
  createdBy?: string;
}
export interface ListNode {
  title: string;
  order?: string;
  items?: Record<string, ItemNode>;
}
export interface BoardDoc {
  title: string;
  lists: Record<string, ListNode>;
}

export const asBoard = (document: Doc) => document as unknown as BoardDoc;

/** Children in display order: by fractional `order`, then id, so every client agrees. */
export function ordered<T extends { order?: string }>(
  nodes: Record<string, T> | undefined,
): [string, T][] {
  return Object.entries(nodes ?? {}).sort(([ida, a], [idb, b]) => {
    const oa = a.order ?? "";
    const ob = b.order ?? "";
    if (oa !== ob) return oa < ob ? -1 : 1;
    return ida < idb ? -1 : ida > idb ? 1 : 0;
  });
}

/** An order key after the last of `entries`. */
export function orderAtEnd(entries: [string, { order?: string }][]): string {
  const last = entries.at(-1)?.[1].order;
  return generateKeyBetween(last && isKey(last) ? last : null, null);
}

/** The order key that moves entry `index` one step up (-1) or down (+1), or null at an edge. */
export function orderForMove(
  entries: [string, { order?: string }][],
  index: number,
  step: -1 | 1,
): string | null {
  const target = index + step;
  if (target < 0 || target >= entries.length) return null;
  const key = (i: number) => {
    const order = entries[i]?.[1].order;
    return order && isKey(order) ? order : null;
  };
  const [lower, upper] =
    step === -1 ? [key(target - 1), key(target)] : [key(target), key(target + 1)];
  try {
    return generateKeyBetween(lower, upper);
  } catch {
    return null; // equal or malformed keys from another client: leave the order alone
  }
}

function isKey(order: string) {
  try {
    generateKeyBetween(order, null);
    return true;
  } catch {
    return false;
  }
}

/** The current children of `path` in display order, read at the moment of a user action. */
export function orderedAt<T extends { order?: string }>(
  document: Doc | null | undefined,
  path: string[],
): [string, T][] {
  let node: unknown = document;
  for (const key of path)
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  return ordered(node as Record<string, T> | undefined);
}

/** The order key that moves child `id` of `entries` by `step` places, or null at an edge. */
export function orderForMoveOf(
  entries: [string, { order?: string }][],
  id: string,
  step: -1 | 1,
): string | null {
  const index = entries.findIndex(([key]) => key === id);
  return index < 0 ? null : orderForMove(entries, index, step);
}

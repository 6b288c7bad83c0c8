import { generateKeyBetween } from "fractional-indexing";
import type { Doc } from "@/sync";

type Ordered = { order?: string };

/** Children in display order: by fractional `order`, then id, so every client agrees. */
export function ordered<T extends Ordered>(nodes: Record<string, T> | undefined): [string, T][] {
  return Object.entries(nodes ?? {}).sort(([ida, a], [idb, b]) => {
    const oa = a.order ?? "";
    const ob = b.order ?? "";
    if (oa !== ob) return oa < ob ? -1 : 1;
    return ida < idb ? -1 : ida > idb ? 1 : 0;
  });
}

/** The current children of `path` in display order, read at the moment of a user action. */
export function orderedAt<T extends Ordered>(
  document: Doc | null | undefined,
  path: readonly string[],
): [string, T][] {
  let node: unknown = document;
  for (const key of path)
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  return ordered(node as Record<string, T> | undefined);
}

/** An order key after the last of `entries`. */
export function orderAtEnd(entries: [string, Ordered][]): string {
  return generateKeyBetween(keyAt(entries, entries.length - 1), null);
}

/** The order key that moves child `id` of `entries` by `step` places, or null at an edge. */
export function orderForMove(
  entries: [string, Ordered][],
  id: string,
  step: -1 | 1,
): string | null {
  const index = entries.findIndex(([key]) => key === id);
  if (index < 0) return null;
  const target = index + step;
  if (target < 0 || target >= entries.length) return null;
  const [lower, upper] =
    step === -1
      ? [keyAt(entries, target - 1), keyAt(entries, target)]
      : [keyAt(entries, target), keyAt(entries, target + 1)];
  return between(lower, upper);
}

/**
 * The order key that drops child `dragged` of `entries` onto `target`'s place (dragging down or
 * up alike: with the dragged one taken out, the slot is just before the target's old index), or
 * null when either is missing or they are the same.
 */
export function orderForDrop(
  entries: [string, Ordered][],
  dragged: string,
  target: string,
): string | null {
  if (dragged === target) return null;
  const from = entries.findIndex(([id]) => id === dragged);
  const to = entries.findIndex(([id]) => id === target);
  if (from < 0 || to < 0) return null;
  const without = entries.filter(([id]) => id !== dragged);
  return between(keyAt(without, to - 1), keyAt(without, to));
}

function keyAt(entries: [string, Ordered][], index: number): string | null {
  const order = entries[index]?.[1].order;
  return order && isKey(order) ? order : null;
}

/** A key between two others; null for equal or malformed keys from another client. */
function between(lower: string | null, upper: string | null): string | null {
  try {
    return generateKeyBetween(lower, upper);
  } catch {
    return null;
  }
}

function isKey(order: string) {
  return between(order, null) !== null;
}

/** The fields of a timeline entry that merging new ones needs. */
export interface MergeableEntry {
  actionId: string;
  kind: "edit" | "undo" | "redo" | "restore";
  targetActionId?: string;
  undone: boolean;
  toVersion: number;
}

export interface TimelinePage<E> {
  entries: E[];
  nextCursor: string | null;
}

/**
 * The loaded timeline (pages, newest first) with `incoming` entries (oldest first, as
 * `history.subscribe` sends them) merged in: an entry already shown is replaced (an action
 * continued since), a new one goes on top, and an undo or redo flips its target's `undone`.
 */
export function mergeTimeline<E extends MergeableEntry>(
  pages: TimelinePage<E>[],
  incoming: E[],
): TimelinePage<E>[] {
  const next = pages.map((page) => ({ ...page, entries: [...page.entries] }));
  const first = next[0];
  if (!first) return next;
  for (const entry of incoming) {
    let found = false;
    for (const page of next) {
      const at = page.entries.findIndex((e) => e.actionId === entry.actionId);
      if (at >= 0) {
        page.entries[at] = entry;
        found = true;
      }
    }
    if (!found) first.entries.unshift(entry);
    if ((entry.kind === "undo" || entry.kind === "redo") && entry.targetActionId) {
      for (const page of next) {
        page.entries = page.entries.map((e) =>
          e.actionId === entry.targetActionId ? { ...e, undone: entry.kind === "undo" } : e,
        );
      }
    }
  }
  return next;
}

/** The newest version the loaded timeline shows: where its live updates start. */
export function newestVersion(pages: TimelinePage<MergeableEntry>[]): number {
  let newest = 0;
  for (const page of pages) for (const e of page.entries) newest = Math.max(newest, e.toVersion);
  return newest;
}

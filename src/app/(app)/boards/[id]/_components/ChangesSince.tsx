"use client";

import { type BoardChange, type BoardDoc, describeChange } from "@/board";

/**
 * While a past version is shown: what differs between it and now, grouped by list (as the lists
 * are now; a removed list under its old title).
 */
export function ChangesSince({
  version,
  changes,
  past,
  now,
}: {
  version: number;
  changes: BoardChange[];
  past: BoardDoc;
  now: BoardDoc;
}) {
  // Label changes (not in any list) come under "Labels".
  const LABELS = "";
  const groups = new Map<string, BoardChange[]>();
  for (const change of changes) {
    const key = "listId" in change ? change.listId : LABELS;
    const group = groups.get(key);
    if (group) group.push(change);
    else groups.set(key, [change]);
  }
  const title = (listId: string) =>
    listId === LABELS ? "Labels" : ((now.lists[listId] ?? past.lists[listId])?.title ?? "");
  const label = `Changes since version ${version}`;
  return (
    <section className="card changes" aria-label={label}>
      <h2>{label}</h2>
      {changes.length === 0 ? (
        <p className="muted">Nothing has changed since.</p>
      ) : (
        [...groups].map(([listId, group]) => (
          <div key={listId} className="changes-list">
            <h3>{title(listId)}</h3>
            <ul>
              {group.map((change, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: one item can change in several ways
                <li key={index}>{describeChange(change)}</li>
              ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}

"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { ChevronLeft, ChevronRight, X } from "lucide-react";
import { memo, useEffect, useRef, useState } from "react";
import {
  BOARD_LIMITS,
  boardPath,
  type ItemNode,
  type LabelNode,
  type ListNode,
  orderAtEnd,
  ordered,
  orderedAt,
  orderForMove,
} from "@/board";
import type { BoardSession } from "@/lib/BoardSession";
import type { People } from "@/lib/people";
import { InlineEdit } from "./InlineEdit";
import { ItemRow } from "./ItemRow";

interface Props {
  id: string;
  list: ListNode;
  isFirst: boolean;
  isLast: boolean;
  session: BoardSession;
  canEdit: boolean;
  labels: Record<string, LabelNode> | undefined;
  people: People;
  today: string;
  /** The filter's test, or null when nothing is filtered. */
  matches: ((item: ItemNode) => boolean) | null;
  /** Items changed since the version shown, to be marked. */
  changedItems?: ReadonlySet<string>;
  /** Opens one item's history. */
  onItemHistory: (itemId: string, text: string) => void;
  /** Opens a card. */
  onOpen: (itemId: string) => void;
}

/** One list: a region named by its title. Re-renders only when its own node changes. */
export const ListColumn = memo(function ListColumn({
  id,
  list,
  isFirst,
  isLast,
  session,
  canEdit,
  labels,
  people,
  today,
  matches,
  changedItems,
  onItemHistory,
  onOpen,
}: Props) {
  const [text, setText] = useState("");
  const all = ordered(list.items);
  const items = matches ? all.filter(([, item]) => matches(item)) : all;
  const path = boardPath.list(id);
  // Only the cards in view (and a few around them) are in the page: a list of 1,000 costs what
  // a list of 20 does to render, lay out and update.
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 44,
    gap: 4,
    overscan: 6,
    getItemKey: (index) => items[index]?.[0] ?? index,
    initialRect: { width: 288, height: 800 },
  });

  // A card the user adds here is scrolled into view once it is in the list.
  const added = useRef(false);
  useEffect(() => {
    if (!added.current || items.length === 0) return;
    added.current = false;
    rows.scrollToIndex(items.length - 1, { align: "end" });
  }, [items.length, rows]);

  function addItem(event: React.FormEvent) {
    event.preventDefault();
    const value = text.trim();
    if (!value) return;
    const current = orderedAt(session.document, boardPath.items(id));
    session.edit("Add item", (tx) =>
      tx.create(
        boardPath.items(id),
        { text: value, done: false, order: orderAtEnd(current) },
        { parentDefault: {} },
      ),
    );
    added.current = true;
    setText("");
  }

  function moveList(step: -1 | 1) {
    const order = orderForMove(orderedAt(session.document, boardPath.lists()), id, step);
    if (order) session.edit("Move list", (tx) => tx.update(path, { order }));
  }

  return (
    <section className="list" aria-label={list.title}>
      <header className="list-header">
        <InlineEdit
          value={list.title}
          label="List title"
          editLabel={`Rename list ${list.title}`}
          disabled={!canEdit}
          maxLength={BOARD_LIMITS.titleLength}
          onSave={(title) => session.edit("Rename list", (tx) => tx.update(path, { title }))}
          render={(title) => <h2>{title}</h2>}
        />
        <div className="list-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={`Move list ${list.title} left`}
            disabled={!canEdit || isFirst}
            onClick={() => moveList(-1)}
          >
            <ChevronLeft aria-hidden size={16} />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Move list ${list.title} right`}
            disabled={!canEdit || isLast}
            onClick={() => moveList(1)}
          >
            <ChevronRight aria-hidden size={16} />
          </button>
          <button
            type="button"
            className="icon-button danger"
            aria-label={`Delete list ${list.title}`}
            disabled={!canEdit}
            onClick={() => session.edit("Delete list", (tx) => tx.delete(path))}
          >
            <X aria-hidden size={16} />
          </button>
        </div>
      </header>
      {matches && (
        <p className="list-count muted" aria-live="polite">
          {items.length} of {all.length}
        </p>
      )}
      <div className="items-scroll" ref={scroller}>
        <ul className="items" style={{ height: rows.getTotalSize() }}>
          {rows.getVirtualItems().map((row) => {
            const [itemId, item] = items[row.index] as [string, ItemNode];
            return (
              <ItemRow
                key={itemId}
                index={row.index}
                top={row.start}
                measure={rows.measureElement}
                listId={id}
                itemId={itemId}
                item={item}
                isFirst={all[0]?.[0] === itemId}
                isLast={all.at(-1)?.[0] === itemId}
                session={session}
                canEdit={canEdit}
                labels={labels}
                people={people}
                today={today}
                changed={changedItems?.has(itemId)}
                onHistory={onItemHistory}
                onOpen={onOpen}
              />
            );
          })}
        </ul>
      </div>
      <form className="add-item" onSubmit={addItem}>
        <input
          aria-label="New item"
          placeholder="New item  (n)"
          value={text}
          maxLength={BOARD_LIMITS.textLength}
          disabled={!canEdit}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button secondary" disabled={!canEdit || !text.trim()}>
          Add item
        </button>
      </form>
    </section>
  );
});

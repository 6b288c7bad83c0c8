"use client";

import { ChevronLeft, ChevronRight, X } from "lucide-react";
import { memo, useState } from "react";
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
      <ul className="items">
        {items.map(([itemId, item], itemIndex) => (
          <ItemRow
            key={itemId}
            listId={id}
            itemId={itemId}
            item={item}
            isFirst={all[0]?.[0] === itemId}
            isLast={all.at(-1)?.[0] === itemId && itemIndex === items.length - 1}
            session={session}
            canEdit={canEdit}
            labels={labels}
            people={people}
            today={today}
            changed={changedItems?.has(itemId)}
            onHistory={onItemHistory}
            onOpen={onOpen}
          />
        ))}
      </ul>
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

"use client";

import { memo, useState } from "react";
import {
  BOARD_LIMITS,
  boardPath,
  type ListNode,
  orderAtEnd,
  ordered,
  orderedAt,
  orderForMove,
} from "@/board";
import type { BoardSession } from "@/lib/BoardSession";
import { InlineEdit } from "./InlineEdit";
import { ItemRow } from "./ItemRow";

interface Props {
  id: string;
  list: ListNode;
  isFirst: boolean;
  isLast: boolean;
  session: BoardSession;
  canEdit: boolean;
  /** Items changed since the version shown, to be marked. */
  changedItems?: ReadonlySet<string>;
  /** Opens one item's history. */
  onItemHistory: (itemId: string, text: string) => void;
}

/** One list: a region named by its title. Re-renders only when its own node changes. */
export const ListColumn = memo(function ListColumn({
  id,
  list,
  isFirst,
  isLast,
  session,
  canEdit,
  changedItems,
  onItemHistory,
}: Props) {
  const [text, setText] = useState("");
  const items = ordered(list.items);
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
            ←
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Move list ${list.title} right`}
            disabled={!canEdit || isLast}
            onClick={() => moveList(1)}
          >
            →
          </button>
          <button
            type="button"
            className="icon-button danger"
            aria-label={`Delete list ${list.title}`}
            disabled={!canEdit}
            onClick={() => session.edit("Delete list", (tx) => tx.delete(path))}
          >
            ✕
          </button>
        </div>
      </header>
      <ul className="items">
        {items.map(([itemId, item], itemIndex) => (
          <ItemRow
            key={itemId}
            listId={id}
            itemId={itemId}
            item={item}
            isFirst={itemIndex === 0}
            isLast={itemIndex === items.length - 1}
            session={session}
            canEdit={canEdit}
            changed={changedItems?.has(itemId)}
            onHistory={onItemHistory}
          />
        ))}
      </ul>
      <form className="add-item" onSubmit={addItem}>
        <input
          aria-label="New item"
          placeholder="New item"
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

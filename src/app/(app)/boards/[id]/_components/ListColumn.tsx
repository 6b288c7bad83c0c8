"use client";

import { memo, useState } from "react";
import type { BoardSession } from "@/lib/BoardSession";
import { type ListNode, orderAtEnd, ordered, orderedAt, orderForMoveOf } from "@/lib/board-doc";
import { InlineEdit } from "./InlineEdit";
import { ItemRow } from "./ItemRow";

interface Props {
  id: string;
  list: ListNode;
  isFirst: boolean;
  isLast: boolean;
  session: BoardSession;
  canEdit: boolean;
}

/** One list: a region named by its title. Re-renders only when its own node changes. */
export const ListColumn = memo(
  function ListColumn({ id, list, isFirst, isLast, session, canEdit }: Props) {
    const [text, setText] = useState("");
    const items = ordered(list.items);
    const path = ["lists", id];

    function addItem(event: React.FormEvent) {
      event.preventDefault();
      const value = text.trim();
      if (!value) return;
      const current = orderedAt<{ order?: string }>(session.proxy?.document, [...path, "items"]);
      session.edit("Add item", (tx) =>
        tx.create(
          [...path, "items"],
          { text: value, done: false, order: orderAtEnd(current) },
          { parentDefault: {} },
        ),
      );
      setText("");
    }

    function moveList(step: -1 | 1) {
      const order = orderForMoveOf(orderedAt(session.proxy?.document, ["lists"]), id, step);
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
            maxLength={200}
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
            />
          ))}
        </ul>
        <form className="add-item" onSubmit={addItem}>
          <input
            aria-label="New item"
            placeholder="New item"
            value={text}
            maxLength={2000}
            disabled={!canEdit}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="button secondary" disabled={!canEdit || !text.trim()}>
            Add item
          </button>
        </form>
      </section>
    );
  },
  (a, b) =>
    a.list === b.list &&
    a.id === b.id &&
    a.isFirst === b.isFirst &&
    a.isLast === b.isLast &&
    a.canEdit === b.canEdit &&
    a.session === b.session,
);

"use client";

import { memo } from "react";
import {
  BOARD_LIMITS,
  boardPath,
  type ItemNode,
  orderedAt,
  orderForDrop,
  orderForMove,
} from "@/board";
import type { BoardSession } from "@/lib/BoardSession";
import { InlineEdit } from "./InlineEdit";

interface Props {
  listId: string;
  itemId: string;
  item: ItemNode;
  isFirst: boolean;
  isLast: boolean;
  session: BoardSession;
  canEdit: boolean;
  /** Changed since the version shown (marked while comparing it with now). */
  changed?: boolean;
  /** Opens this item's history. */
  onHistory: (itemId: string, text: string) => void;
}

const DRAG_TYPE = "application/x-rewind-item";

/** One item. Re-renders only when its own node (or its position) changes. */
export const ItemRow = memo(function ItemRow({
  listId,
  itemId,
  item,
  isFirst,
  isLast,
  session,
  canEdit,
  changed = false,
  onHistory,
}: Props) {
  const path = boardPath.item(listId, itemId);
  // Positions are read when the user acts, from the document as it is then.
  const siblings = () => orderedAt<ItemNode>(session.document, boardPath.items(listId));
  const reorder = (id: string, order: string | null) => {
    if (order) session.edit("Move item", (tx) => tx.update(boardPath.item(listId, id), { order }));
  };
  return (
    <li
      className={`item${item.done ? " done" : ""}${changed ? " changed" : ""}`}
      draggable={canEdit}
      onDragStart={(e) => e.dataTransfer.setData(DRAG_TYPE, `${listId}\n${itemId}`)}
      onDragOver={(e) => canEdit && e.preventDefault()}
      onDrop={(e) => {
        // Dropping on a row takes the dragged item (of the same list) to that row's place.
        const [fromList, dragged] = e.dataTransfer.getData(DRAG_TYPE).split("\n");
        if (fromList !== listId || !dragged) return;
        reorder(dragged, orderForDrop(siblings(), dragged, itemId));
      }}
    >
      <input
        type="checkbox"
        aria-label={item.text}
        checked={item.done}
        disabled={!canEdit}
        onChange={(e) =>
          session.edit(e.target.checked ? "Check item" : "Uncheck item", (tx) =>
            tx.update(path, { done: e.target.checked }),
          )
        }
      />
      <InlineEdit
        value={item.text}
        label="Item text"
        editLabel={`Edit ${item.text}`}
        disabled={!canEdit}
        maxLength={BOARD_LIMITS.textLength}
        onSave={(text) => session.edit("Edit item", (tx) => tx.update(path, { text }))}
        render={(text) => <span className="item-text">{text}</span>}
      />
      <span className="item-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`History of ${item.text}`}
          title="History of this item"
          onClick={() => onHistory(itemId, item.text)}
        >
          ⏲
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Move ${item.text} up`}
          disabled={!canEdit || isFirst}
          onClick={() => reorder(itemId, orderForMove(siblings(), itemId, -1))}
        >
          ↑
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Move ${item.text} down`}
          disabled={!canEdit || isLast}
          onClick={() => reorder(itemId, orderForMove(siblings(), itemId, 1))}
        >
          ↓
        </button>
        <button
          type="button"
          className="icon-button danger"
          aria-label={`Delete ${item.text}`}
          disabled={!canEdit}
          onClick={() => session.edit("Delete item", (tx) => tx.delete(path))}
        >
          ✕
        </button>
      </span>
    </li>
  );
});

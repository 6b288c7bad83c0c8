"use client";

import { generateKeyBetween } from "fractional-indexing";
import { memo } from "react";
import type { BoardSession } from "@/lib/BoardSession";
import { type ItemNode, orderedAt, orderForMoveOf } from "@/lib/board-doc";
import { InlineEdit } from "./InlineEdit";

interface Props {
  listId: string;
  itemId: string;
  item: ItemNode;
  isFirst: boolean;
  isLast: boolean;
  session: BoardSession;
  canEdit: boolean;
}

/** One item. Re-renders only when its own node (or its position) changes. */
export const ItemRow = memo(
  function ItemRow({ listId, itemId, item, isFirst, isLast, session, canEdit }: Props) {
    const path = ["lists", listId, "items", itemId];
    // Positions are read when the user acts, from the document as it is then.
    const siblings = () => orderedAt<ItemNode>(session.proxy?.document, ["lists", listId, "items"]);
    const moveBy = (id: string, step: -1 | 1) => {
      const order = orderForMoveOf(siblings(), id, step);
      if (order)
        session.edit("Move item", (tx) => tx.update(["lists", listId, "items", id], { order }));
    };
    return (
      <li
        className={item.done ? "item done" : "item"}
        draggable={canEdit}
        onDragStart={(e) =>
          e.dataTransfer.setData("application/x-rewind-item", `${listId}\n${itemId}`)
        }
        onDragOver={(e) => canEdit && e.preventDefault()}
        onDrop={(e) => {
          const [fromList, dragged] = e.dataTransfer
            .getData("application/x-rewind-item")
            .split("\n");
          if (fromList !== listId || !dragged || dragged === itemId) return;
          // Dropping on a row takes the dragged item to that row's place.
          const entries = siblings();
          const from = entries.findIndex(([id]) => id === dragged);
          const to = entries.findIndex(([id]) => id === itemId);
          if (from < 0 || to < 0) return;
          const without = entries.filter(([id]) => id !== dragged);
          const [lower, upper] = [
            without[to - 1]?.[1].order ?? null,
            without[to]?.[1].order ?? null,
          ];
          // With the dragged item taken out, the slot is just before the target's index either way.
          const order = between(lower, upper);
          if (order)
            session.edit("Move item", (tx) =>
              tx.update(["lists", listId, "items", dragged], { order }),
            );
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
          maxLength={2000}
          onSave={(text) => session.edit("Edit item", (tx) => tx.update(path, { text }))}
          render={(text) => <span className="item-text">{text}</span>}
        />
        <span className="item-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${item.text} up`}
            disabled={!canEdit || isFirst}
            onClick={() => moveBy(itemId, -1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Move ${item.text} down`}
            disabled={!canEdit || isLast}
            onClick={() => moveBy(itemId, 1)}
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
  },
  (a, b) =>
    a.item === b.item &&
    a.itemId === b.itemId &&
    a.listId === b.listId &&
    a.isFirst === b.isFirst &&
    a.isLast === b.isLast &&
    a.canEdit === b.canEdit &&
    a.session === b.session,
);

function between(lower: string | null, upper: string | null): string | null {
  try {
    return generateKeyBetween(lower, upper);
  } catch {
    return null;
  }
}

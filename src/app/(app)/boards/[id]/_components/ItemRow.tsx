"use client";

import { ArrowDown, ArrowUp, History, Maximize2, X } from "lucide-react";
import { memo } from "react";
import type { BoardDoc } from "@/board";
import {
  BOARD_LIMITS,
  boardPath,
  type ItemNode,
  type LabelNode,
  orderedAt,
  orderForDrop,
  orderForMove,
} from "@/board";
import { applyCommands, moveCardCommands } from "@/board/card-edits";
import type { BoardSession } from "@/lib/BoardSession";
import type { People } from "@/lib/people";
import { CardBadges } from "./CardBadges";
import { InlineEdit } from "./InlineEdit";

interface Props {
  /** Its place among the list's cards shown, and where that is (the list is virtualised). */
  index: number;
  top: number;
  /** Tells the list the row's real height. */
  measure: (node: HTMLElement | null) => void;
  listId: string;
  itemId: string;
  item: ItemNode;
  isFirst: boolean;
  isLast: boolean;
  session: BoardSession;
  canEdit: boolean;
  /** The board's labels (a new object only when a label changes). */
  labels: Record<string, LabelNode> | undefined;
  people: People;
  /** Today, `YYYY-MM-DD`, for "overdue". */
  today: string;
  /** Changed since the version shown (marked while comparing it with now). */
  changed?: boolean;
  /** Opens this item's history. */
  onHistory: (itemId: string, text: string) => void;
  /** Opens the card. */
  onOpen: (itemId: string) => void;
}

const DRAG_TYPE = "application/x-rewind-item";

/**
 * One card: focusable (arrow keys move between cards, Enter opens it), its text, done state and
 * badges. Re-renders only when its own node (or its position, the labels or the people) changes.
 */
export const ItemRow = memo(function ItemRow({
  index,
  top,
  measure,
  listId,
  itemId,
  item,
  isFirst,
  isLast,
  session,
  canEdit,
  labels,
  people,
  today,
  changed = false,
  onHistory,
  onOpen,
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
      data-item-id={itemId}
      data-index={index}
      ref={measure}
      style={{ transform: `translateY(${top}px)` }}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a card is focused to move between cards (arrow keys) and opened with Enter
      tabIndex={0}
      draggable={canEdit}
      onDragStart={(e) => e.dataTransfer.setData(DRAG_TYPE, `${listId}\n${itemId}`)}
      onDragOver={(e) => canEdit && e.preventDefault()}
      onDrop={(e) => {
        // Dropping on a row takes the dragged item to that row's place (from another list: moved).
        const [fromList, dragged] = e.dataTransfer.getData(DRAG_TYPE).split("\n");
        if (!fromList || !dragged) return;
        if (fromList === listId) {
          reorder(dragged, orderForDrop(siblings(), dragged, itemId));
          return;
        }
        const commands = moveCardCommands(session.document as unknown as BoardDoc, dragged, listId);
        if (commands.length > 0) session.edit("Move card", (tx) => applyCommands(tx, commands));
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
        frame={(text, editButton) => (
          <>
            {text}
            <span className="item-actions">
              {editButton}
              <button
                type="button"
                className="icon-button"
                aria-label={`Open ${item.text}`}
                title="Open this card (Enter)"
                onClick={() => onOpen(itemId)}
              >
                <Maximize2 aria-hidden size={16} />
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`History of ${item.text}`}
                title="History of this item"
                onClick={() => onHistory(itemId, item.text)}
              >
                <History aria-hidden size={16} />
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${item.text} up`}
                disabled={!canEdit || isFirst}
                onClick={() => reorder(itemId, orderForMove(siblings(), itemId, -1))}
              >
                <ArrowUp aria-hidden size={16} />
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${item.text} down`}
                disabled={!canEdit || isLast}
                onClick={() => reorder(itemId, orderForMove(siblings(), itemId, 1))}
              >
                <ArrowDown aria-hidden size={16} />
              </button>
              <button
                type="button"
                className="icon-button danger"
                aria-label={`Delete ${item.text}`}
                disabled={!canEdit}
                onClick={() => session.edit("Delete item", (tx) => tx.delete(path))}
              >
                <X aria-hidden size={16} />
              </button>
            </span>
          </>
        )}
      />
      <CardBadges item={item} labels={labels} people={people} today={today} />
    </li>
  );
});

"use client";

import { useId, useState } from "react";
import { BOARD_LIMITS, type BoardDoc, boardPath, ordered } from "@/board";
import {
  applyCommands,
  liveLabels,
  moveCardCommands,
  sortedLabels,
  toggled,
} from "@/board/card-edits";
import { findItem } from "@/board/restore-item";
import { isCalendarDate } from "@/board/schema";
import type { BoardSession } from "@/lib/BoardSession";
import type { People } from "@/lib/people";
import type { JsonObject } from "@/sync";
import { CommitField } from "./CommitField";
import { Linkified } from "./Linkified";
import { Modal } from "./Modal";

interface Props {
  session: BoardSession;
  board: BoardDoc;
  itemId: string;
  /** The board's members, in the order they joined. */
  people: People;
  canEdit: boolean;
  onClose: () => void;
}

/**
 * One card, opened: its text, description, due date, assignees, labels, list and done state.
 * Every change applies at once (one command per committed edit); viewers see it read-only. A
 * modal dialog named after the card's text.
 */
export function CardDialog({ session, board, itemId, people, canEdit, onClose }: Props) {
  const dueId = useId();
  const found = findItem(board, itemId);
  const item = found?.item;
  const path = found ? boardPath.item(found.listId, itemId) : null;
  const set = (label: string, props: JsonObject) => {
    if (path) session.edit(label, (tx) => tx.update(path, props));
  };
  const [dueDraft, setDueDraft] = useState<string | null>(null);
  const commitDue = () => {
    if (dueDraft === null) return;
    setDueDraft(null);
    if (dueDraft === "") return;
    if (isCalendarDate(dueDraft) && dueDraft !== item?.due) set("Set due date", { due: dueDraft });
  };

  const assignees = item?.assignees ?? [];
  const former = assignees.filter((id) => !people.has(id));
  const labels = sortedLabels(board);
  const lists = ordered(board.lists);

  return (
    <Modal
      title={item ? item.text || "…" : "Card deleted"}
      className="card-dialog"
      onClose={onClose}
    >
      {!item || !found ? (
        <p className="muted">Someone deleted this card.</p>
      ) : (
        <>
          <CommitField
            label="Text"
            value={item.text}
            required
            maxLength={BOARD_LIMITS.textLength}
            disabled={!canEdit}
            onCommit={(text) => set("Edit item", { text })}
          />
          {canEdit ? (
            <CommitField
              label="Description"
              value={item.description ?? ""}
              multiline
              maxLength={BOARD_LIMITS.descriptionLength}
              onCommit={(description) => set("Edit description", { description })}
            />
          ) : (
            <div className="field">
              <span>Description</span>
              {item.description ? (
                <Linkified className="description" text={item.description} />
              ) : (
                <p className="muted">No description.</p>
              )}
            </div>
          )}
          {canEdit && item.description && /https?:|mailto:/i.test(item.description) && (
            <Linkified className="description muted" text={item.description} />
          )}
          <div className="field">
            <label htmlFor={dueId}>Due date</label>
            <div className="row">
              <input
                id={dueId}
                type="date"
                value={dueDraft ?? item.due ?? ""}
                disabled={!canEdit}
                onChange={(e) => setDueDraft(e.target.value)}
                onBlur={commitDue}
                onKeyDown={(e) => {
                  if (e.key === "Enter") commitDue();
                }}
              />
              <button
                type="button"
                className="button secondary"
                disabled={!canEdit || !item.due}
                onClick={() => {
                  setDueDraft(null);
                  set("Clear due date", { due: null });
                }}
              >
                Clear due date
              </button>
            </div>
          </div>
          <fieldset className="choices">
            <legend>Assignees</legend>
            {[...people].map(([userId, name]) => (
              <label key={userId}>
                <input
                  type="checkbox"
                  checked={assignees.includes(userId)}
                  disabled={!canEdit}
                  onChange={(e) =>
                    set(e.target.checked ? "Assign" : "Unassign", {
                      assignees: toggled(assignees, userId, e.target.checked),
                    })
                  }
                />{" "}
                {name}
              </label>
            ))}
            {former.map((userId) => (
              <label key={userId} title="No longer a member of this board">
                <input
                  type="checkbox"
                  checked
                  disabled={!canEdit}
                  onChange={() => set("Unassign", { assignees: toggled(assignees, userId, false) })}
                />{" "}
                Former member
              </label>
            ))}
          </fieldset>
          <fieldset className="choices">
            <legend>Labels</legend>
            {labels.length === 0 && (
              <span className="muted">No labels yet: add them under Labels.</span>
            )}
            {labels.map(([labelId, label]) => (
              <label key={labelId}>
                <input
                  type="checkbox"
                  checked={item.labels?.includes(labelId) ?? false}
                  disabled={!canEdit}
                  onChange={(e) =>
                    set(e.target.checked ? "Add label" : "Remove label", {
                      labels: toggled(liveLabels(board, item.labels), labelId, e.target.checked),
                    })
                  }
                />{" "}
                <span className={`chip chip-${label.color}`}>{label.name}</span>
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span>Move to list</span>
            <select
              value={found.listId}
              disabled={!canEdit}
              onChange={(e) => {
                const commands = moveCardCommands(board, itemId, e.target.value);
                if (commands.length > 0)
                  session.edit("Move card", (tx) => applyCommands(tx, commands));
              }}
            >
              {lists.map(([listId, list]) => (
                <option key={listId} value={listId}>
                  {list.title}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={item.done}
              disabled={!canEdit}
              onChange={(e) =>
                set(e.target.checked ? "Check item" : "Uncheck item", { done: e.target.checked })
              }
            />{" "}
            Done
          </label>
        </>
      )}
    </Modal>
  );
}

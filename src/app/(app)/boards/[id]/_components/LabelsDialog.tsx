"use client";

import { Tags } from "lucide-react";
import { useState } from "react";
import { BOARD_LIMITS, type BoardDoc, boardPath, LABEL_COLORS, type LabelColor } from "@/board";
import { applyCommands, deleteLabelCommands, sortedLabels } from "@/board/card-edits";
import type { BoardSession } from "@/lib/BoardSession";
import { CommitField } from "./CommitField";
import { Modal } from "./Modal";

/** "Labels" in the toolbar: the board's labels, to add, rename, recolour and delete. */
export function LabelsDialog({
  session,
  board,
  canEdit,
}: {
  session: BoardSession;
  board: BoardDoc;
  canEdit: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [color, setColor] = useState<LabelColor>("blue");
  const labels = sortedLabels(board);
  const full = labels.length >= BOARD_LIMITS.labels;

  return (
    <>
      <button type="button" className="button secondary" onClick={() => setOpen(true)}>
        <Tags aria-hidden size={16} /> Labels
      </button>
      {open && (
        <Modal title="Board labels" onClose={() => setOpen(false)}>
          {labels.length === 0 && <p className="muted">No labels yet.</p>}
          <ul className="label-list">
            {labels.map(([labelId, label]) => (
              <li key={labelId} className="label-row">
                <span className={`chip chip-${label.color}`} aria-hidden>
                  {label.name}
                </span>
                <div className="label-edit">
                  <CommitField
                    label={`Rename ${label.name}`}
                    value={label.name}
                    required
                    maxLength={BOARD_LIMITS.labelNameLength}
                    disabled={!canEdit}
                    onCommit={(next) =>
                      session.edit("Rename label", (tx) =>
                        tx.update(boardPath.label(labelId), { name: next.trim() }),
                      )
                    }
                  />
                  <select
                    aria-label={`Color of ${label.name}`}
                    value={label.color}
                    disabled={!canEdit}
                    onChange={(e) =>
                      session.edit("Recolour label", (tx) =>
                        tx.update(boardPath.label(labelId), { color: e.target.value }),
                      )
                    }
                  >
                    {LABEL_COLORS.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="button secondary danger"
                    disabled={!canEdit}
                    onClick={() => {
                      const commands = deleteLabelCommands(
                        session.document as unknown as BoardDoc,
                        labelId,
                      );
                      session.edit("Delete label", (tx) => applyCommands(tx, commands));
                    }}
                  >
                    Delete {label.name}
                  </button>
                </div>
              </li>
            ))}
          </ul>
          {canEdit && (
            <form
              className="label-new"
              onSubmit={(event) => {
                event.preventDefault();
                const value = name.trim();
                if (!value) return;
                session.edit("Create label", (tx) =>
                  tx.create(boardPath.labels(), { name: value, color }, { parentDefault: {} }),
                );
                setName("");
              }}
            >
              <label className="field">
                <span>New label name</span>
                <input
                  value={name}
                  maxLength={BOARD_LIMITS.labelNameLength}
                  disabled={full}
                  onChange={(e) => setName(e.target.value)}
                />
              </label>
              <label className="field">
                <span>New label color</span>
                <select value={color} onChange={(e) => setColor(e.target.value as LabelColor)}>
                  {LABEL_COLORS.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="button primary" disabled={full || !name.trim()}>
                Add label
              </button>
              {full && <p className="muted">A board has at most {BOARD_LIMITS.labels} labels.</p>}
            </form>
          )}
        </Modal>
      )}
    </>
  );
}

"use client";

import type { ReactNode } from "react";
import type { SyncStatus as Status } from "@/lib/BoardSession";
import { PresenceBar } from "./PresenceBar";
import { ShareDialog } from "./ShareDialog";
import { SyncStatus } from "./SyncStatus";

interface Props {
  boardId: string;
  userId: string;
  status: Status;
  isOwner: boolean;
  undo: { canUndo: boolean; canRedo: boolean; undo: () => void; redo: () => void };
  historyOpen: boolean;
  onToggleHistory: () => void;
  deletedOpen: boolean;
  onToggleDeleted: () => void;
  /** The "Labels" button and its dialog. */
  labels: ReactNode;
}

/** Who is here, the sync status, Undo, Redo, History, Recently deleted, Labels and (for owners) Share. */
export function BoardToolbar({
  boardId,
  userId,
  status,
  isOwner,
  undo,
  historyOpen,
  onToggleHistory,
  deletedOpen,
  onToggleDeleted,
  labels,
}: Props) {
  return (
    <div className="board-tools">
      <PresenceBar boardId={boardId} userId={userId} />
      <SyncStatus status={status} />
      {(
        [
          ["Undo", "Undo your last change (Ctrl+Z)", undo.canUndo, undo.undo],
          ["Redo", "Redo what you undid (Ctrl+Shift+Z)", undo.canRedo, undo.redo],
        ] as const
      ).map(([label, title, enabled, onClick]) => (
        <button
          key={label}
          type="button"
          className="button secondary"
          title={title}
          disabled={!enabled}
          onClick={onClick}
        >
          {label}
        </button>
      ))}
      <button
        type="button"
        className="button secondary"
        aria-pressed={historyOpen}
        onClick={onToggleHistory}
      >
        History
      </button>
      <button
        type="button"
        className="button secondary"
        aria-pressed={deletedOpen}
        onClick={onToggleDeleted}
      >
        Recently deleted
      </button>
      {labels}
      {isOwner && <ShareDialog boardId={boardId} />}
    </div>
  );
}

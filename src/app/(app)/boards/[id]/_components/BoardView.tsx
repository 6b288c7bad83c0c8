"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useBoard } from "@/hooks/useBoard";
import { useUndoRedo } from "@/hooks/useUndoRedo";
import { asBoard, orderAtEnd, ordered } from "@/lib/board-doc";
import { type Doc, newId } from "@/sync";
import { useTRPC } from "@/trpc/react";
import { Alerts } from "./Alerts";
import { HistoryPanel } from "./HistoryPanel";
import { InlineEdit } from "./InlineEdit";
import { ListColumn } from "./ListColumn";
import { PresenceBar } from "./PresenceBar";
import { ShareDialog } from "./ShareDialog";
import { SyncStatus } from "./SyncStatus";
import { TimeTravelBar } from "./TimeTravelBar";

export function BoardView({ boardId, userId }: { boardId: string; userId: string }) {
  const { session, document, status, alerts } = useBoard(boardId, userId);
  const trpc = useTRPC();
  const members = useQuery(trpc.board.members.queryOptions({ boardId }, { retry: false }));
  const role = members.data?.find((m) => m.userId === userId)?.role;
  const canEdit = role === "owner" || role === "editor";
  const [newList, setNewList] = useState("");
  const [historyOpen, setHistoryOpen] = useState(false);
  /** The past version shown read-only, or null for the live board. */
  const [viewing, setViewing] = useState<number | null>(null);
  const latest = session?.version ?? 0;

  const history = useUndoRedo({
    boardId,
    session,
    version: latest,
    enabled: canEdit && viewing === null && session !== null,
  });
  const past = useQuery(
    trpc.history.stateAt.queryOptions(
      { boardId, version: viewing ?? 0 },
      {
        enabled: viewing !== null,
        staleTime: Number.POSITIVE_INFINITY,
        placeholderData: keepPreviousData,
      },
    ),
  );
  const restore = useMutation(
    trpc.history.restore.mutationOptions({
      onSuccess: () => setViewing(null),
      onError: (error) => session?.alert(error.message),
    }),
  );

  if (status.kind === "not-found" || members.error?.data?.code === "NOT_FOUND") {
    return (
      <section className="empty-state">
        <h1>Board not found</h1>
        <p className="muted">It does not exist, or it has not been shared with you.</p>
        <Link href="/">Back to your boards</Link>
      </section>
    );
  }
  if (!document || !session) return <p className="muted">Loading board…</p>;

  const travelling = viewing !== null;
  const shown: Doc = travelling ? (past.data?.document ?? document) : document;
  const editable = canEdit && !travelling;
  const board = asBoard(shown);
  const lists = ordered(board.lists);

  function addList(event: React.FormEvent) {
    event.preventDefault();
    const title = newList.trim();
    if (!title || !session) return;
    session.edit("Add list", (tx) =>
      tx.create(["lists"], { title, order: orderAtEnd(lists), items: {} }),
    );
    setNewList("");
  }

  return (
    <div className={`board-page${historyOpen ? " with-history" : ""}`}>
      <div className="board">
        <header className="board-header">
          <div className="board-title-row">
            <InlineEdit
              value={board.title}
              label="Board title"
              editLabel="Rename board"
              disabled={!editable}
              maxLength={200}
              onSave={(title) => session.edit("Rename board", (tx) => tx.update([], { title }))}
              render={(title) => <h1>{title}</h1>}
            />
          </div>
          <div className="board-tools">
            <PresenceBar boardId={boardId} userId={userId} />
            <SyncStatus status={status} />
            <button
              type="button"
              className="button secondary"
              title="Undo your last change (Ctrl+Z)"
              disabled={!history.canUndo || travelling}
              onClick={() => void history.undo()}
            >
              Undo
            </button>
            <button
              type="button"
              className="button secondary"
              title="Redo what you undid (Ctrl+Shift+Z)"
              disabled={!history.canRedo || travelling}
              onClick={history.redo}
            >
              Redo
            </button>
            <button
              type="button"
              className="button secondary"
              aria-pressed={historyOpen}
              onClick={() => setHistoryOpen((open) => !open)}
            >
              History
            </button>
            {role === "owner" && <ShareDialog boardId={boardId} />}
          </div>
        </header>
        {travelling && (
          <TimeTravelBar
            version={viewing}
            latest={latest}
            canRestore={canEdit}
            restoring={restore.isPending}
            onChange={setViewing}
            onRestore={() => restore.mutate({ boardId, version: viewing, entryId: newId() })}
            onBack={() => setViewing(null)}
          />
        )}
        {role === "viewer" && (
          <p className="muted">
            You can view this board. Only its owner and editors can change it.
          </p>
        )}
        <Alerts alerts={alerts} onDismiss={(id) => session.dismissAlert(id)} />
        <div className={`lists${travelling ? " past" : ""}`}>
          {lists.map(([id, list], index) => (
            <ListColumn
              key={id}
              id={id}
              list={list}
              isFirst={index === 0}
              isLast={index === lists.length - 1}
              session={session}
              canEdit={editable}
            />
          ))}
          {!travelling && (
            <form className="add-list" onSubmit={addList}>
              <label className="field">
                <span>New list title</span>
                <input
                  value={newList}
                  onChange={(e) => setNewList(e.target.value)}
                  maxLength={200}
                  disabled={!canEdit}
                />
              </label>
              <button
                type="submit"
                className="button primary"
                disabled={!canEdit || !newList.trim()}
              >
                Add list
              </button>
            </form>
          )}
        </div>
      </div>
      {historyOpen && (
        <HistoryPanel
          boardId={boardId}
          document={document}
          canEdit={canEdit}
          viewing={viewing}
          onView={setViewing}
          onClose={() => setHistoryOpen(false)}
          onError={(message) => session.alert(message)}
        />
      )}
    </div>
  );
}

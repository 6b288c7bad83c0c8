"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useBoard } from "@/hooks/useBoard";
import { asBoard, orderAtEnd, ordered } from "@/lib/board-doc";
import { useTRPC } from "@/trpc/react";
import { Alerts } from "./Alerts";
import { InlineEdit } from "./InlineEdit";
import { ListColumn } from "./ListColumn";
import { PresenceBar } from "./PresenceBar";
import { ShareDialog } from "./ShareDialog";
import { SyncStatus } from "./SyncStatus";

export function BoardView({ boardId, userId }: { boardId: string; userId: string }) {
  const { session, document, status, alerts } = useBoard(boardId, userId);
  const trpc = useTRPC();
  const members = useQuery(trpc.board.members.queryOptions({ boardId }, { retry: false }));
  const role = members.data?.find((m) => m.userId === userId)?.role;
  const canEdit = role === "owner" || role === "editor";
  const [newList, setNewList] = useState("");

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

  const board = asBoard(document);
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
    <div className="board">
      <header className="board-header">
        <div className="board-title-row">
          <InlineEdit
            value={board.title}
            label="Board title"
            editLabel="Rename board"
            disabled={!canEdit}
            maxLength={200}
            onSave={(title) => session.edit("Rename board", (tx) => tx.update([], { title }))}
            render={(title) => <h1>{title}</h1>}
          />
        </div>
        <div className="board-tools">
          <PresenceBar boardId={boardId} userId={userId} />
          <SyncStatus status={status} />
          {role === "owner" && <ShareDialog boardId={boardId} />}
        </div>
      </header>
      {role === "viewer" && (
        <p className="muted">You can view this board. Only its owner and editors can change it.</p>
      )}
      <Alerts alerts={alerts} onDismiss={(id) => session.dismissAlert(id)} />
      <div className="lists">
        {lists.map(([id, list], index) => (
          <ListColumn
            key={id}
            id={id}
            list={list}
            isFirst={index === 0}
            isLast={index === lists.length - 1}
            session={session}
            canEdit={canEdit}
          />
        ))}
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
          <button type="submit" className="button primary" disabled={!canEdit || !newList.trim()}>
            Add list
          </button>
        </form>
      </div>
    </div>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useMemo, useRef, useState } from "react";
import { asBoard, BOARD_LIMITS, boardPath, compareBoards, ordered } from "@/board";
import { calendarDate } from "@/board/dates";
import { isFiltering, itemMatcher } from "@/board/filter";
import { findItem } from "@/board/restore-item";
import { useAccess } from "@/hooks/useAccess";
import { useBoard } from "@/hooks/useBoard";
import { useBoardKeys } from "@/hooks/useBoardKeys";
import { useItemFilter } from "@/hooks/useItemFilter";
import { useKeptRole } from "@/hooks/useKeptRole";
import { useTimeTravel } from "@/hooks/useTimeTravel";
import { useUndoRedo } from "@/hooks/useUndoRedo";
import type { People } from "@/lib/people";
import { useTRPC } from "@/trpc/react";
import { AddListForm } from "./AddListForm";
import { Alerts } from "./Alerts";
import { BoardToolbar } from "./BoardToolbar";
import { CardDialog } from "./CardDialog";
import { ChangesSince } from "./ChangesSince";
import { DeletedPanel } from "./DeletedPanel";
import { FilterBar } from "./FilterBar";
import { HistoryPanel } from "./HistoryPanel";
import { InlineEdit } from "./InlineEdit";
import { ItemHistoryPanel } from "./ItemHistoryPanel";
import { LabelsDialog } from "./LabelsDialog";
import { ListColumn } from "./ListColumn";
import { ShortcutsDialog } from "./ShortcutsDialog";
import { TimeTravelBar } from "./TimeTravelBar";

/** The side panel open beside the board: the timeline, one item's history, or the bin. */
type Panel =
  | { kind: "history" }
  | { kind: "deleted" }
  | { kind: "item"; itemId: string; text: string }
  | null;

/** The board page: the live board (or a past version of it), its tools and its history. */
export function BoardView({ boardId, userId }: { boardId: string; userId: string }) {
  const { session, document, status, alerts } = useBoard(boardId, userId);
  const trpc = useTRPC();
  const members = useQuery(trpc.board.members.queryOptions({ boardId }, { retry: false }));
  const access = useAccess(boardId);
  const known = access.role ?? members.data?.find((m) => m.userId === userId)?.role;
  // With no network, the role this device last knew: a board opened offline stays editable.
  const role = useKeptRole(userId, boardId, known);
  const canEdit = role === "owner" || role === "editor";
  const [panel, setPanel] = useState<Panel>(null);
  const historyOpen = panel?.kind === "history";
  const toggle = (kind: "history" | "deleted") =>
    setPanel((open) => (open?.kind === kind ? null : { kind }));
  const openItemHistory = useCallback(
    (itemId: string, text: string) => setPanel({ kind: "item", itemId, text }),
    [],
  );
  const travel = useTimeTravel(boardId, session);
  const travelling = travel.viewing !== null;
  const people: People = useMemo(
    () => new Map((members.data ?? []).map((member) => [member.userId, member.name])),
    [members.data],
  );
  const [filter, setFilter] = useItemFilter();
  const today = calendarDate(new Date());
  const matches = useMemo(
    () => (isFiltering(filter) ? itemMatcher(filter, { me: userId, today }) : null),
    [filter, userId, today],
  );
  const [openCard, setOpenCard] = useState<string | null>(null);
  const [shortcuts, setShortcuts] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  useBoardKeys({
    focusFilter: useCallback(() => searchRef.current?.focus(), []),
    showShortcuts: useCallback(() => setShortcuts(true), []),
    openCard: setOpenCard,
  });
  const undoRedo = useUndoRedo({ session, enabled: canEdit && !travelling && session !== null });

  if (status.kind === "not-found" || access.removed || members.error?.data?.code === "NOT_FOUND") {
    return (
      <section className="empty-state">
        <h1>Board not found</h1>
        <p className="muted">It does not exist, or it has not been shared with you.</p>
        <Link href="/">Back to your boards</Link>
      </section>
    );
  }
  if (!document || !session) return <p className="muted">Loading board…</p>;

  const editable = canEdit && !travelling;
  const board = asBoard(travel.document ?? document);
  const lists = ordered(board.lists);
  // While a past version is shown: what differs from it to now, and the items concerned.
  const changes = travel.document ? compareBoards(board, asBoard(document)) : null;
  const changedItems = changes
    ? new Set(changes.flatMap((change) => ("itemId" in change ? [change.itemId] : [])))
    : undefined;

  return (
    <div className={`board-page${panel ? " with-history" : ""}`}>
      <div className="board">
        <header className="board-header">
          <div className="board-title-row">
            <InlineEdit
              value={board.title}
              label="Board title"
              editLabel="Rename board"
              disabled={!editable}
              maxLength={BOARD_LIMITS.titleLength}
              onSave={(title) =>
                session.edit("Rename board", (tx) => tx.update(boardPath.root(), { title }))
              }
              render={(title) => <h1>{title}</h1>}
            />
          </div>
          <BoardToolbar
            boardId={boardId}
            userId={userId}
            status={status}
            isOwner={role === "owner"}
            undo={{
              canUndo: undoRedo.canUndo && !travelling,
              canRedo: undoRedo.canRedo && !travelling,
              undo: () => void undoRedo.undo(),
              redo: undoRedo.redo,
            }}
            historyOpen={historyOpen}
            onToggleHistory={() => toggle("history")}
            deletedOpen={panel?.kind === "deleted"}
            onToggleDeleted={() => toggle("deleted")}
            labels={<LabelsDialog session={session} board={asBoard(document)} canEdit={editable} />}
          />
        </header>
        {travel.viewing !== null && (
          <TimeTravelBar
            version={travel.viewing}
            latest={session.version}
            canRestore={canEdit}
            restoring={travel.restoring}
            onChange={travel.view}
            onRestore={travel.restore}
            onBack={travel.back}
          />
        )}
        {changes && travel.viewing !== null && (
          <ChangesSince
            version={travel.viewing}
            changes={changes}
            past={board}
            now={asBoard(document)}
          />
        )}
        {role === "viewer" && (
          <p className="muted">
            You can view this board. Only its owner and editors can change it.
          </p>
        )}
        <Alerts alerts={alerts} onDismiss={(id) => session.dismissAlert(id)} />
        <FilterBar
          filter={filter}
          onChange={setFilter}
          board={board}
          people={people}
          searchRef={searchRef}
        />
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
              labels={board.labels}
              people={people}
              today={today}
              matches={matches}
              changedItems={changedItems}
              onItemHistory={openItemHistory}
              onOpen={setOpenCard}
            />
          ))}
          {!travelling && <AddListForm session={session} disabled={!canEdit} />}
        </div>
      </div>
      {historyOpen && (
        <HistoryPanel
          boardId={boardId}
          document={document}
          people={people}
          canEdit={canEdit}
          viewing={travel.viewing}
          onView={travel.view}
          onClose={() => setPanel(null)}
          onError={(message) => session.alert(message)}
        />
      )}
      {panel?.kind === "item" && (
        <ItemHistoryPanel
          key={panel.itemId}
          boardId={boardId}
          itemId={panel.itemId}
          text={findItem(asBoard(document), panel.itemId)?.item.text ?? panel.text}
          document={document}
          people={people}
          version={session.version}
          canEdit={canEdit}
          onClose={() => setPanel(null)}
          onMessage={(message) => session.alert(message)}
        />
      )}
      {openCard !== null && (
        <CardDialog
          key={openCard}
          session={session}
          board={board}
          itemId={openCard}
          people={people}
          canEdit={editable}
          onClose={() => setOpenCard(null)}
        />
      )}
      {shortcuts && <ShortcutsDialog onClose={() => setShortcuts(false)} />}
      {panel?.kind === "deleted" && (
        <DeletedPanel
          boardId={boardId}
          document={document}
          version={session.version}
          canEdit={canEdit}
          onClose={() => setPanel(null)}
          onMessage={(message) => session.alert(message)}
        />
      )}
    </div>
  );
}

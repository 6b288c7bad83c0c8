"use client";

import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { asBoard } from "@/board";
import { relativeTime } from "@/lib/describe-entry";
import { type Doc, newId } from "@/sync";
import { retryDelay, retryUnknownOutcome } from "@/trpc/failure";
import { useTRPC } from "@/trpc/react";
import { LoadMore, SidePanel, useRefetchOnVersion } from "./SidePanel";

interface Props {
  boardId: string;
  /** The board now (names lists) and its version (a new one refreshes the panel). */
  document: Doc;
  version: number;
  canEdit: boolean;
  onClose: () => void;
  onMessage: (message: string) => void;
}

/** Items and lists deleted and not back, newest first, each with its Restore button. */
export function DeletedPanel({ boardId, document, version, canEdit, onClose, onMessage }: Props) {
  const trpc = useTRPC();
  const bin = useInfiniteQuery(
    trpc.history.deleted.infiniteQueryOptions(
      { boardId, limit: 30 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  useRefetchOnVersion(bin.refetch, version);
  const mutation = {
    retry: retryUnknownOutcome,
    retryDelay,
    onSuccess: (answer: { notice?: string }) => answer.notice && onMessage(answer.notice),
    onError: (error: { message: string }) => onMessage(error.message),
  };
  const restoreItem = useMutation(trpc.history.restoreItem.mutationOptions(mutation));
  const restoreList = useMutation(trpc.history.restoreList.mutationOptions(mutation));
  const busy = restoreItem.isPending || restoreList.isPending;
  const lists = asBoard(document).lists;

  const entries = bin.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <SidePanel title="Recently deleted" onClose={onClose}>
      {bin.isPending && <p className="muted">Loading…</p>}
      {bin.isSuccess && entries.length === 0 && <p className="muted">Nothing deleted.</p>}
      <ol className="timeline">
        {entries.map((entry) => {
          const at = new Date(entry.at);
          const what =
            entry.kind === "list"
              ? `The list “${entry.text}”`
              : `“${entry.text}” from ${lists[entry.listId]?.title ?? "a deleted list"}`;
          const label =
            entry.kind === "list" ? `Restore list ${entry.text}` : `Restore ${entry.text}`;
          return (
            <li key={`${entry.kind}-${entry.itemId ?? entry.listId}`} className="timeline-entry">
              <p className="timeline-open">
                <span>
                  {what}, deleted by {entry.user.name}
                </span>
                <time className="muted" dateTime={at.toISOString()} title={at.toLocaleString()}>
                  {relativeTime(at)}
                </time>
              </p>
              {canEdit && (
                <button
                  type="button"
                  className="button secondary"
                  disabled={busy}
                  onClick={() => {
                    const request = { boardId, version: entry.version, entryId: newId() };
                    if (entry.kind === "list") {
                      restoreList.mutate({ ...request, listId: entry.listId });
                    } else {
                      restoreItem.mutate({ ...request, itemId: entry.itemId ?? "" });
                    }
                  }}
                >
                  {label}
                </button>
              )}
            </li>
          );
        })}
        {bin.hasNextPage && (
          <li className="timeline-end">
            <LoadMore pages={bin} label="Older" />
          </li>
        )}
      </ol>
    </SidePanel>
  );
}

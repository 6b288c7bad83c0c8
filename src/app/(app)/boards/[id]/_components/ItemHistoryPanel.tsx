"use client";

import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { asBoard } from "@/board";
import { boardNames } from "@/board/names";
import { relativeTime } from "@/lib/describe-entry";
import { describeItemEntry } from "@/lib/describe-item";
import type { People } from "@/lib/people";
import { type Doc, newId } from "@/sync";
import { retryDelay, retryUnknownOutcome } from "@/trpc/failure";
import { useTRPC } from "@/trpc/react";
import { LoadMore, SidePanel, useRefetchOnVersion } from "./SidePanel";

interface Props {
  boardId: string;
  itemId: string;
  /** The item's text (as it is now, or when last seen): the panel's name. */
  text: string;
  /** The board now (names lists) and its version (a new one refreshes the panel). */
  document: Doc;
  /** The board's members (id → name), to name assignees. */
  people: People;
  version: number;
  canEdit: boolean;
  onClose: () => void;
  onMessage: (message: string) => void;
}

/**
 * One item's story, newest first, each entry with "Restore this item": the item as it was after
 * that entry (after a deletion, as it was just before it).
 */
export function ItemHistoryPanel({
  boardId,
  itemId,
  text,
  document,
  people,
  version,
  canEdit,
  onClose,
  onMessage,
}: Props) {
  const trpc = useTRPC();
  const story = useInfiniteQuery(
    trpc.history.list.infiniteQueryOptions(
      { boardId, itemId, limit: 30 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  useRefetchOnVersion(story.refetch, version);
  const restore = useMutation(
    trpc.history.restoreItem.mutationOptions({
      retry: retryUnknownOutcome,
      retryDelay,
      onSuccess: (answer) => answer.notice && onMessage(answer.notice),
      onError: (error) => onMessage(error.message),
    }),
  );

  const name = `History of ${text}`;
  const entries = story.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <SidePanel title={name} onClose={onClose}>
      {story.isPending && <p className="muted">Loading…</p>}
      {story.isError && <p className="muted">{story.error.message}</p>}
      <ol className="timeline">
        {entries.map((entry) => {
          const at = new Date(entry.at);
          return (
            <li key={entry.actionId} className="timeline-entry">
              <p className="timeline-open">
                <span>
                  {describeItemEntry(entry, document, boardNames(asBoard(document), people))}
                </span>
                <time className="muted" dateTime={at.toISOString()} title={at.toLocaleString()}>
                  {relativeTime(at)} · v{entry.toVersion}
                </time>
              </p>
              {canEdit && (
                <button
                  type="button"
                  className="button secondary"
                  title={
                    entry.item?.after
                      ? "Bring the item back to how it was after this"
                      : "Bring the item back to how it was before it was deleted"
                  }
                  disabled={restore.isPending}
                  onClick={() =>
                    restore.mutate({
                      boardId,
                      itemId,
                      // After a deletion, the item as it was just before it.
                      version: entry.item?.after ? entry.toVersion : entry.fromVersion,
                      entryId: newId(),
                    })
                  }
                >
                  Restore this item
                </button>
              )}
            </li>
          );
        })}
        {story.hasNextPage && (
          <li className="timeline-end">
            <LoadMore pages={story} label="Older changes" />
          </li>
        )}
      </ol>
    </SidePanel>
  );
}

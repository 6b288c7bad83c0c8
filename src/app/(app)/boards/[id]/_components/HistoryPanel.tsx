"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { Undo2 } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { asBoard } from "@/board";
import { boardNames } from "@/board/names";
import { describeEntry, labelNamesIn, relativeTime } from "@/lib/describe-entry";
import type { People } from "@/lib/people";
import { mergeTimeline, newestVersion } from "@/lib/timeline-merge";
import { type Doc, newId } from "@/sync";
import { retryDelay, retryUnknownOutcome } from "@/trpc/failure";
import { useTRPC } from "@/trpc/react";
import { LoadMore, SidePanel } from "./SidePanel";

interface Props {
  boardId: string;
  /** The board now, to name the lists and items entries refer to. */
  document: Doc;
  /** The board's members (id → name), to name assignees. */
  people: People;
  canEdit: boolean;
  viewing: number | null;
  onView: (version: number) => void;
  onClose: () => void;
  onError: (message: string) => void;
}

/** The board's timeline, newest first, one row per action; older entries load on scroll. */
export function HistoryPanel({
  boardId,
  document,
  people,
  canEdit,
  viewing,
  onView,
  onClose,
  onError,
}: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listInput = { boardId, limit: 30 };
  const timeline = useInfiniteQuery(
    trpc.history.list.infiniteQueryOptions(listInput, {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  );
  // New entries are pushed (history.subscribe), from the newest version the loaded timeline
  // shows: an open panel costs nothing while nothing happens, and is never refetched whole.
  const [from, setFrom] = useState<number | null>(null);
  const loaded = timeline.data;
  useEffect(() => {
    if (loaded && from === null) setFrom(newestVersion(loaded.pages));
  }, [loaded, from]);
  useSubscription(
    trpc.history.subscribe.subscriptionOptions(
      { boardId, lastEventId: String(from ?? 0) },
      {
        enabled: from !== null,
        onData: ({ data }) =>
          queryClient.setQueryData(trpc.history.list.infiniteQueryKey(listInput), (cached) =>
            cached ? { ...cached, pages: mergeTimeline(cached.pages, data.entries) } : cached,
          ),
      },
    ),
  );
  const undo = useMutation(
    trpc.history.undo.mutationOptions({
      retry: retryUnknownOutcome,
      retryDelay,
      onError: (error) => onError(error.message),
    }),
  );

  // More entries when the end of the list scrolls into view.
  const end = useRef<HTMLLIElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = timeline;
  useEffect(() => {
    const node = end.current;
    if (!node || !hasNextPage) return;
    const observer = new IntersectionObserver((seen) => {
      if (seen.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const entries = timeline.data?.pages.flatMap((page) => page.entries) ?? [];
  const byId = new Map(entries.map((entry) => [entry.actionId, entry]));
  const names = boardNames(asBoard(document), people, labelNamesIn(entries));
  return (
    <SidePanel title="History" onClose={onClose}>
      {timeline.isPending && <p className="muted">Loading history…</p>}
      {timeline.isSuccess && entries.length === 0 && <p className="muted">No changes yet.</p>}
      <ol className="timeline">
        {entries.map((entry) => {
          const target = entry.targetActionId ? byId.get(entry.targetActionId) : undefined;
          const text = describeEntry(entry, document, target, names);
          const at = new Date(entry.at);
          const undoable =
            canEdit && !entry.undone && (entry.kind === "edit" || entry.kind === "restore");
          return (
            <li
              key={entry.actionId}
              className={`timeline-entry${entry.undone ? " undone" : ""}${viewing === entry.toVersion ? " current" : ""}`}
            >
              <button
                type="button"
                className="timeline-open"
                title={`Show the board at version ${entry.toVersion}`}
                onClick={() => onView(entry.toVersion)}
              >
                {entry.undone ? <s>{text}</s> : <span>{text}</span>}
                {entry.undone && <span className="visually-hidden"> (undone)</span>}
                <time className="muted" dateTime={at.toISOString()} title={at.toLocaleString()}>
                  {relativeTime(at)} · v{entry.toVersion}
                </time>
              </button>
              {undoable && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Undo: ${text}`}
                  title="Undo this change"
                  disabled={undo.isPending}
                  onClick={() =>
                    undo.mutate({ boardId, actionId: entry.actionId, entryId: newId() })
                  }
                >
                  <Undo2 aria-hidden size={16} />
                </button>
              )}
            </li>
          );
        })}
        <li ref={end} className="timeline-end">
          <LoadMore pages={timeline} label="Older changes" />
        </li>
      </ol>
    </SidePanel>
  );
}

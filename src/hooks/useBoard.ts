"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import { BoardSession, type BoardSnapshot } from "@/lib/BoardSession";
import { deviceAvailable, deviceBoard } from "@/lib/device/idb-device";
import { classifyFailure, retryAfterMsOf } from "@/trpc/failure";
import { useTRPCClient } from "@/trpc/react";

const emptySnapshot: BoardSnapshot = {
  document: null,
  status: { kind: "loading" },
  alerts: [],
  undoRedo: { undo: false, redo: false, busy: false },
};
const noSubscription = () => () => {};

/**
 * Opens a board: a BoardSession wired to tRPC (load, flush, subscribe, undo), the browser's storage and
 * online/offline and page-hide events. Re-renders when the document, status or alerts change.
 */
export function useBoard(boardId: string, userId: string) {
  const client = useTRPCClient();
  const router = useRouter();
  const [session, setSession] = useState<BoardSession | null>(null);

  useEffect(() => {
    const created = new BoardSession({
      boardId,
      userId,
      classify: classifyFailure,
      retryAfterMs: retryAfterMsOf,
      cache: deviceAvailable() ? deviceBoard(userId, boardId) : undefined,
      locks: typeof navigator !== "undefined" && "locks" in navigator ? navigator.locks : null,
      onUnauthorized: () =>
        router.replace(`/sign-in?next=${encodeURIComponent(`/boards/${boardId}`)}`),
      transport: {
        load: () => client.sync.load.query({ boardId }),
        catchUp: (since) => client.sync.catchUp.query({ boardId, since }),
        flush: (request) => client.sync.flush.mutate({ boardId, ...request }),
        subscribe: (lastEventId, onData, onError) => {
          const subscription = client.sync.subscribe.subscribe(
            { boardId, lastEventId: String(lastEventId) },
            { onData: (event) => onData(event.data), onError },
          );
          return () => subscription.unsubscribe();
        },
        canUndo: () => client.history.canUndo.query({ boardId }),
        undo: (entryId) => client.history.undo.mutate({ boardId, entryId }),
        redo: (entryId) => client.history.redo.mutate({ boardId, entryId }),
      },
    });
    setSession(created);
    void created.start();
    const online = () => created.setOnline(true);
    const offline = () => created.setOnline(false);
    const hidden = () => {
      if (document.visibilityState === "hidden") created.flushNow();
    };
    window.addEventListener("online", online);
    window.addEventListener("offline", offline);
    document.addEventListener("visibilitychange", hidden);
    const pagehide = () => created.flushNow();
    window.addEventListener("pagehide", pagehide);
    return () => {
      window.removeEventListener("online", online);
      window.removeEventListener("offline", offline);
      document.removeEventListener("visibilitychange", hidden);
      window.removeEventListener("pagehide", pagehide);
      created.stop();
    };
  }, [boardId, userId, client, router]);

  const snapshot = useSyncExternalStore(
    session ? (listener) => session.onChange(listener) : noSubscription,
    () => session?.snapshot ?? emptySnapshot,
    () => emptySnapshot,
  );
  return { session, ...snapshot };
}

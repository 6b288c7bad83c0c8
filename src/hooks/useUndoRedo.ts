"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import type { BoardSession } from "@/lib/BoardSession";
import { isTyping } from "@/lib/keys";
import { newId } from "@/sync";
import { retryDelay, retryUnknownOutcome } from "@/trpc/failure";
import { useTRPC } from "@/trpc/react";

/**
 * The caller's undo and redo on a board (server-side, SPEC H8/H9): whether each is possible, the
 * two actions, and Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y) outside text fields. An undo first waits for
 * the tab's unsent edits, so it takes the action the user just made. `version` is the board
 * version the page shows; when it moves, what can be undone is asked again.
 */
export function useUndoRedo(options: {
  boardId: string;
  session: BoardSession | null;
  version: number;
  enabled: boolean;
}) {
  const { boardId, session, version, enabled } = options;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const can = useQuery(trpc.history.canUndo.queryOptions({ boardId }, { enabled }));
  // (An open timeline gets its new entries pushed: it is not refetched here.)
  const refresh = useCallback(() => {
    void queryClient.invalidateQueries(trpc.history.canUndo.pathFilter());
  }, [queryClient, trpc]);

  // Every new version may change the stacks (our own flush, someone's selective undo).
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the trigger, not an input.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(refresh, 150);
    return () => clearTimeout(timer);
  }, [version, refresh]);

  const onError = (error: { message: string }) => session?.alert(error.message);
  const undoMutation = useMutation(
    trpc.history.undo.mutationOptions({
      // Retried with the same entryId while the outcome is unknown: pressing Undo once never
      // undoes two actions.
      retry: retryUnknownOutcome,
      retryDelay,
      onError,
      // What was just undone can be redone: say so at once, then ask the server again.
      onSuccess: () =>
        queryClient.setQueryData(trpc.history.canUndo.queryKey({ boardId }), (old) => ({
          undo: old?.undo ?? false,
          redo: true,
        })),
      onSettled: refresh,
    }),
  );
  const redoMutation = useMutation(
    trpc.history.redo.mutationOptions({
      retry: retryUnknownOutcome,
      retryDelay,
      onSettled: refresh,
      onError,
    }),
  );
  const busy = undoMutation.isPending || redoMutation.isPending;
  const unsaved = session?.unsaved ?? 0;
  const canUndo = enabled && !busy && (unsaved > 0 || can.data?.undo === true);
  const canRedo = enabled && !busy && unsaved === 0 && can.data?.redo === true;

  const undo = useCallback(async () => {
    if (!session || !canUndo) return;
    try {
      await session.settle();
    } catch (error) {
      session.alert((error as Error).message);
      return;
    }
    undoMutation.mutate({ boardId, entryId: newId() });
  }, [session, canUndo, undoMutation, boardId]);

  const redo = useCallback(() => {
    if (canRedo) redoMutation.mutate({ boardId, entryId: newId() });
  }, [canRedo, redoMutation, boardId]);

  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        void undo();
      } else if ((key === "z" && event.shiftKey) || (key === "y" && event.ctrlKey)) {
        // Ctrl+Y: redo as on Windows.
        event.preventDefault();
        redo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled, undo, redo]);

  return { canUndo, canRedo, undo, redo, busy };
}

"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { BoardSession } from "@/lib/BoardSession";
import { type Doc, newId } from "@/sync";
import { retryDelay, retryUnknownOutcome } from "@/trpc/failure";
import { useTRPC } from "@/trpc/react";

/**
 * Time travel on a board (SPEC H11, H6): which past version is shown read-only (null: the live
 * board), its document, and restoring it as a new entry.
 */
export function useTimeTravel(boardId: string, session: BoardSession | null) {
  const trpc = useTRPC();
  const [viewing, setViewing] = useState<number | null>(null);
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
      retry: retryUnknownOutcome,
      retryDelay,
      onSuccess: () => setViewing(null),
      onError: (error) => session?.alert(error.message),
    }),
  );
  return {
    viewing,
    view: setViewing,
    back: () => setViewing(null),
    /** The past document, while one is shown and loaded. */
    document: (viewing === null ? null : (past.data?.document ?? null)) as Doc | null,
    restoring: restore.isPending,
    restore: () => {
      if (viewing !== null) restore.mutate({ boardId, version: viewing, entryId: newId() });
    },
  };
}

"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { classifyFailure } from "@/trpc/failure";
import { useTRPC, useTRPCClient } from "@/trpc/react";

export type Role = "owner" | "editor" | "viewer";

/**
 * The signed-in user's role on the board, live: an owner's change on any instance reaches the
 * page at once (a new viewer's page turns read-only, the member list refreshes), and `removed`
 * turns true when they are taken off the board.
 */
export function useAccess(boardId: string) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role | null>(null);
  const [removed, setRemoved] = useState(false);
  useEffect(() => {
    const subscription = client.board.access.subscribe(
      { boardId },
      {
        onData: (access) => {
          setRole(access.role as Role);
          void queryClient.invalidateQueries({
            queryKey: trpc.board.members.queryKey({ boardId }),
          });
        },
        onError: (error) => {
          if (classifyFailure(error) === "not-found") setRemoved(true);
        },
      },
    );
    return () => subscription.unsubscribe();
  }, [boardId, client, queryClient, trpc]);
  return { role, removed };
}

"use client";

import { useEffect, useState } from "react";
import { useTRPCClient } from "@/trpc/react";

/** Who has the board open (this user included), live; marks this user present meanwhile. */
export function usePresence(boardId: string) {
  const client = useTRPCClient();
  const [users, setUsers] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    const subscription = client.presence.subscribe.subscribe({ boardId }, { onData: setUsers });
    return () => subscription.unsubscribe();
  }, [boardId, client]);
  return users;
}

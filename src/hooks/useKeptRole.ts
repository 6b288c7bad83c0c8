"use client";

import { useEffect, useState } from "react";
import { keepRole, keptRole } from "@/lib/device/idb-device";

/**
 * The person's role on a board: `known` (from the server) once it is, and kept on the device; the
 * role the device kept until then, so a board opened with no network can still be edited.
 */
export function useKeptRole(userId: string, boardId: string, known: string | undefined) {
  const [kept, setKept] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void keptRole(userId, boardId).then((role) => {
      if (live) setKept(role);
    });
    return () => {
      live = false;
    };
  }, [userId, boardId]);
  useEffect(() => {
    if (known) void keepRole(userId, boardId, known);
  }, [userId, boardId, known]);
  return known ?? kept ?? undefined;
}

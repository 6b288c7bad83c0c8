"use client";

import { useEffect } from "react";
import type { BoardSession } from "@/lib/BoardSession";
import { isTyping } from "@/lib/keys";

/**
 * The caller's undo and redo on a board (SPEC H8/H9), kept by their BoardSession: whether each is
 * possible, the two actions, and Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y) outside text fields.
 * An undo first waits for the tab's unsent edits, so it takes the action the user just made.
 */
export function useUndoRedo(options: { session: BoardSession | null; enabled: boolean }) {
  const { session, enabled } = options;
  useEffect(() => session?.enableUndo(enabled), [session, enabled]);
  const state = session?.snapshot.undoRedo;
  const unsaved = session?.unsaved ?? 0;
  const busy = state?.busy ?? false;
  const canUndo = enabled && !busy && (unsaved > 0 || state?.undo === true);
  const canRedo = enabled && !busy && unsaved === 0 && state?.redo === true;

  useEffect(() => {
    if (!enabled || !session) return;
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        void session.undo();
      } else if ((key === "z" && event.shiftKey) || (key === "y" && event.ctrlKey)) {
        // Ctrl+Y: redo as on Windows.
        event.preventDefault();
        void session.redo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled, session]);

  return {
    canUndo,
    canRedo,
    undo: () => void session?.undo(),
    redo: () => void session?.redo(),
    busy,
  };
}

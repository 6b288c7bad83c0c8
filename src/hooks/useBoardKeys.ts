"use client";

import { useEffect } from "react";
import { isTyping } from "@/lib/keys";

/** The focusable card rows, list by list (what the arrow keys move between). */
function rowsByList(): HTMLElement[][] {
  return [...document.querySelectorAll<HTMLElement>(".lists > .list")].map((list) => [
    ...list.querySelectorAll<HTMLElement>(".item[data-item-id]"),
  ]);
}

function focusRow(row: HTMLElement | undefined) {
  if (!row) return;
  row.focus();
  row.scrollIntoView({ block: "nearest", inline: "nearest" });
}

/**
 * The board's single-key shortcuts, outside text fields and dialogs: `/` focuses the filter, `?`
 * opens the list of shortcuts, arrows move between cards (up/down in a list, left/right across
 * lists), Enter opens the focused card, `n` starts a new item in the focused card's list.
 */
export function useBoardKeys(actions: {
  focusFilter: () => void;
  showShortcuts: () => void;
  openCard: (itemId: string) => void;
}) {
  const { focusFilter, showShortcuts, openCard } = actions;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target) || document.querySelector("dialog[open]")) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      const row = target?.closest<HTMLElement>(".item[data-item-id]") ?? null;
      const onRow = row !== null && row === target;
      switch (event.key) {
        case "/":
          event.preventDefault();
          focusFilter();
          return;
        case "?":
          event.preventDefault();
          showShortcuts();
          return;
        case "Enter":
          if (onRow && row.dataset.itemId) {
            event.preventDefault();
            openCard(row.dataset.itemId);
          }
          return;
        case "n": {
          const list = row?.closest(".list") ?? document.querySelector(".lists > .list");
          const input = list?.querySelector<HTMLInputElement>('input[aria-label="New item"]');
          if (input && !input.disabled) {
            event.preventDefault();
            input.focus();
          }
          return;
        }
        case "ArrowUp":
        case "ArrowDown":
        case "ArrowLeft":
        case "ArrowRight": {
          if (target && row === null && target !== document.body) return; // a button's own arrows
          const lists = rowsByList();
          event.preventDefault();
          if (!row) {
            focusRow(lists.find((rows) => rows.length > 0)?.[0]);
            return;
          }
          const li = lists.findIndex((rows) => rows.includes(row));
          const ri = lists[li]?.indexOf(row) ?? 0;
          if (event.key === "ArrowUp") focusRow(lists[li]?.[ri - 1]);
          else if (event.key === "ArrowDown") focusRow(lists[li]?.[ri + 1]);
          else {
            const step = event.key === "ArrowLeft" ? -1 : 1;
            for (let next = li + step; next >= 0 && next < lists.length; next += step) {
              const rows = lists[next] ?? [];
              if (rows.length === 0) continue;
              focusRow(rows[Math.min(ri, rows.length - 1)]);
              return;
            }
          }
          return;
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [focusFilter, showShortcuts, openCard]);
}

"use client";

import { useEffect } from "react";
import { isTyping } from "@/lib/keys";

/** The card rows in the page, list by list, in order (lists are virtualised: those near view). */
function rowsByList(): HTMLElement[][] {
  return [...document.querySelectorAll<HTMLElement>(".lists > .list")].map((list) =>
    [...list.querySelectorAll<HTMLElement>(".item[data-item-id]")].sort(
      (a, b) => indexOf(a) - indexOf(b),
    ),
  );
}

const indexOf = (row: HTMLElement) => Number(row.dataset.index ?? 0);

/** The row of `rows` at `index`, else the nearest one rendered. */
function nearest(rows: HTMLElement[], index: number): HTMLElement | undefined {
  let best: HTMLElement | undefined;
  for (const row of rows) {
    if (!best || Math.abs(indexOf(row) - index) < Math.abs(indexOf(best) - index)) best = row;
  }
  return best;
}

function focusRow(row: HTMLElement | undefined) {
  if (!row) return;
  row.focus({ preventScroll: true });
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
          const at = indexOf(row);
          const mine = lists[li] ?? [];
          if (event.key === "ArrowUp") focusRow(mine.find((other) => indexOf(other) === at - 1));
          else if (event.key === "ArrowDown") {
            focusRow(mine.find((other) => indexOf(other) === at + 1));
          } else {
            const step = event.key === "ArrowLeft" ? -1 : 1;
            for (let next = li + step; next >= 0 && next < lists.length; next += step) {
              const rows = lists[next] ?? [];
              if (rows.length === 0) continue;
              focusRow(nearest(rows, at));
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

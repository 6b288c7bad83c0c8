"use client";

import { type ReactNode, useEffect, useRef } from "react";

/** A panel beside the board (the timeline, one item's history, the bin), named by its title. */
export function SidePanel({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <aside className="history-panel" aria-label={title}>
      <header className="history-header">
        <h2>{title}</h2>
        <button type="button" className="button secondary" onClick={onClose}>
          Close
        </button>
      </header>
      {children}
    </aside>
  );
}

/** The button that loads a paged list's next (older) page. */
export function LoadMore({
  pages,
  label,
}: {
  pages: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label: string;
}) {
  if (!pages.hasNextPage) return null;
  return (
    <button
      type="button"
      className="button secondary"
      disabled={pages.isFetchingNextPage}
      onClick={() => void pages.fetchNextPage()}
    >
      {pages.isFetchingNextPage ? "Loading…" : label}
    </button>
  );
}

/** Runs `refetch` whenever the board's `version` moves after the first render (which fetched). */
export function useRefetchOnVersion(refetch: () => unknown, version: number) {
  const shown = useRef(version);
  useEffect(() => {
    if (shown.current === version) return;
    shown.current = version;
    void refetch();
  }, [version, refetch]);
}

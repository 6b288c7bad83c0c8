"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import { filterFromParams, filterToParams, type ItemFilter } from "@/board/filter";

/**
 * The board's filter, kept in the URL (`?q=&assignee=&label=&due=`) so a filtered board can be
 * shared and survives a reload. The URL is replaced in place (no navigation, no server round trip).
 */
export function useItemFilter(): [ItemFilter, (filter: ItemFilter) => void] {
  const params = useSearchParams();
  const [filter, setFilter] = useState(() => filterFromParams(params));
  const change = useCallback((next: ItemFilter) => {
    setFilter(next);
    const query = filterToParams(next).toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
    window.history.replaceState(window.history.state, "", url);
  }, []);
  return [filter, change];
}

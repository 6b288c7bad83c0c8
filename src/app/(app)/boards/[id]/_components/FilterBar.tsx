"use client";

import { Search } from "lucide-react";
import type { RefObject } from "react";
import type { BoardDoc } from "@/board";
import { sortedLabels } from "@/board/card-edits";
import type { ItemFilter } from "@/board/filter";
import type { People } from "@/lib/people";

/** Above the lists: find cards by words, assignee, label and due date. */
export function FilterBar({
  filter,
  onChange,
  board,
  people,
  searchRef,
}: {
  filter: ItemFilter;
  onChange: (filter: ItemFilter) => void;
  board: BoardDoc;
  people: People;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const set = (change: Partial<ItemFilter>) => onChange({ ...filter, ...change });
  return (
    <search className="filter-bar">
      <label className="filter-search">
        <Search aria-hidden size={16} />
        <input
          ref={searchRef}
          type="search"
          aria-label="Filter items"
          placeholder="Filter items  (/)"
          value={filter.q}
          onChange={(e) => set({ q: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === "Escape" && filter.q) {
              e.preventDefault();
              set({ q: "" });
            }
          }}
        />
      </label>
      <label className="filter-field">
        <span>Assignee</span>
        <select
          aria-label="Assignee"
          value={filter.assignee}
          onChange={(e) => set({ assignee: e.target.value })}
        >
          <option value="">Anyone</option>
          <option value="me">Me</option>
          {[...people].map(([userId, name]) => (
            <option key={userId} value={userId}>
              {name}
            </option>
          ))}
          <option value="nobody">Nobody</option>
        </select>
      </label>
      <label className="filter-field">
        <span>Label</span>
        <select
          aria-label="Label"
          value={filter.label}
          onChange={(e) => set({ label: e.target.value })}
        >
          <option value="">Any</option>
          {sortedLabels(board).map(([labelId, label]) => (
            <option key={labelId} value={labelId}>
              {label.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter-field">
        <span>Due</span>
        <select
          aria-label="Due"
          value={filter.due}
          onChange={(e) => set({ due: e.target.value as ItemFilter["due"] })}
        >
          <option value="">Any</option>
          <option value="overdue">Overdue</option>
          <option value="week">Due this week</option>
          <option value="none">No due date</option>
        </select>
      </label>
    </search>
  );
}

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
      <Choice
        name="Assignee"
        value={filter.assignee}
        onChange={(assignee) => set({ assignee })}
        options={[["", "Anyone"], ["me", "Me"], ...people, ["nobody", "Nobody"]]}
      />
      <Choice
        name="Label"
        value={filter.label}
        onChange={(label) => set({ label })}
        options={[
          ["", "Any"],
          ...sortedLabels(board).map(([id, label]) => [id, label.name] as const),
        ]}
      />
      <Choice
        name="Due"
        value={filter.due}
        onChange={(due) => set({ due: due as ItemFilter["due"] })}
        options={[
          ["", "Any"],
          ["overdue", "Overdue"],
          ["week", "Due this week"],
          ["none", "No due date"],
        ]}
      />
    </search>
  );
}

/** One of the filter's selects, named and labelled `name`; `options` are [value, text] pairs. */
function Choice({
  name,
  value,
  onChange,
  options,
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly (readonly [string, string])[];
}) {
  return (
    <label className="filter-field">
      <span>{name}</span>
      <select aria-label={name} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

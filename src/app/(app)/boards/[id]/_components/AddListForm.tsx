"use client";

import { useState } from "react";
import { BOARD_LIMITS, boardPath, orderAtEnd, orderedAt } from "@/board";
import type { BoardSession } from "@/lib/BoardSession";

/** "New list title" and "Add list": a new list at the end of the board. */
export function AddListForm({ session, disabled }: { session: BoardSession; disabled: boolean }) {
  const [title, setTitle] = useState("");

  function addList(event: React.FormEvent) {
    event.preventDefault();
    const value = title.trim();
    if (!value) return;
    const lists = orderedAt(session.document, boardPath.lists());
    session.edit("Add list", (tx) =>
      tx.create(boardPath.lists(), { title: value, order: orderAtEnd(lists), items: {} }),
    );
    setTitle("");
  }

  return (
    <form className="add-list" onSubmit={addList}>
      <label className="field">
        <span>New list title</span>
        <input
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={BOARD_LIMITS.titleLength}
          disabled={disabled}
        />
      </label>
      <button type="submit" className="button primary" disabled={disabled || !title.trim()}>
        Add list
      </button>
    </form>
  );
}

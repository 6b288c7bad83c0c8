import type { Command } from "@/sync";

/** Board-shaped commands for server tests (the shape src/server/boards/rules.ts accepts). */
export const addList = (id: string, title = id): Command => ({
  action: "create",
  path: ["lists"],
  createdId: id,
  props: { title, order: "a0" },
});

export const addItem = (list: string, id: string, text = id): Command => ({
  action: "create",
  path: ["lists", list, "items"],
  createdId: id,
  props: { text, done: false, order: "a0" },
});

export const setItem = (
  list: string,
  id: string,
  props: Record<string, string | boolean>,
): Command => ({
  action: "update",
  path: ["lists", list, "items", id],
  props,
});

import { expect } from "vitest";
import { type Command, newId } from "@/sync";
import type { callerFor, TestUser } from "./api";

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

/** What `userActions` needs of a suite: the API as a user (test/transports.ts's `as`). */
type AsUser = (user: TestUser) => ReturnType<typeof callerFor>;

/**
 * `edit(user, boardId, label, commands)`: one user action (one actionId and label), flushed by
 * `user` from their own client on the board's latest version; asserts nothing was refused and
 * answers the action's id and the version after it.
 */
export function userActions(as: AsUser) {
  const seq = new Map<string, number>();
  return async function edit(user: TestUser, boardId: string, label: string, commands: Command[]) {
    const clientId = `${user.id}-${boardId}`;
    const batchSeq = (seq.get(clientId) ?? 0) + 1;
    seq.set(clientId, batchSeq);
    const actionId = newId();
    const { version } = await as(user).sync.load({ boardId });
    const response = await as(user).sync.flush({
      boardId,
      clientId,
      batchSeq,
      from: version,
      commands: commands.map((c) => ({ ...c, actionId, label })),
    });
    expect(response.errors, JSON.stringify(commands)).toEqual([]);
    return { actionId, version: response.version };
  };
}

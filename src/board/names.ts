import type { BoardDoc } from "./schema";

/** How sentences name the people, labels and lists a change is about. */
export interface BoardNames {
  user(userId: string): string;
  label(labelId: string): string;
  list(listId: string): string;
}

/**
 * Names from the board as it is (`board`), its members (`people`: id → name), and labels known
 * from elsewhere (e.g. the timeline's own commands, for a label deleted since). Whoever is no
 * longer a member is "a former member".
 */
export function boardNames(
  board: BoardDoc | null,
  people: ReadonlyMap<string, string> = new Map(),
  knownLabels: ReadonlyMap<string, string> = new Map(),
): BoardNames {
  return {
    user: (id) => people.get(id) ?? "a former member",
    label: (id) => board?.labels?.[id]?.name ?? knownLabels.get(id) ?? "a deleted label",
    list: (id) => board?.lists[id]?.title ?? "a deleted list",
  };
}

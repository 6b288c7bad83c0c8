// A board of 5,000 cards with descriptions, labels, due dates and assignees, seeded through the
// API as clients would (flushes of at most 400 commands and 200 KB), for bench:board and bench:wire.
import { LABEL_COLORS } from "../src/board";
import type { Command, Doc } from "../src/sync";
import type { Api } from "./clients";

export const BIG = { lists: 5, perList: 1000, labels: 10 } as const;
export const BIG_ITEMS = BIG.lists * BIG.perList;

const WORDS =
  "plan ship review design draft test call write fix check order update book sketch".split(" ");

/** The commands that build the big board, in order: labels, lists, then cards. */
export function bigBoardCommands(people: string[]): Command[] {
  const commands: Command[] = [];
  for (let l = 0; l < BIG.labels; l++) {
    commands.push({
      action: "create",
      path: ["labels"],
      createdId: `label${l}`,
      props: { name: `Label ${l}`, color: LABEL_COLORS[l % LABEL_COLORS.length] as string },
      parentDefault: {},
    });
  }
  for (let l = 0; l < BIG.lists; l++) {
    commands.push({
      action: "create",
      path: ["lists"],
      createdId: `list${l}`,
      props: { title: `List ${l}`, order: `a${l}` },
    });
  }
  for (let l = 0; l < BIG.lists; l++) {
    for (let i = 0; i < BIG.perList; i++) {
      const n = l * BIG.perList + i;
      const word = (k: number) => WORDS[(n * 7 + k) % WORDS.length];
      commands.push({
        action: "create",
        path: ["lists", `list${l}`, "items"],
        createdId: `card${n}`,
        props: {
          text: `Card ${n}: ${word(1)} the ${word(2)}`,
          done: n % 5 === 0,
          order: `a${String(i).padStart(4, "0")}`,
          description: `Why: ${word(3)} and ${word(4)} before the ${word(5)}. `.repeat(4),
          due: `2026-${String((n % 12) + 1).padStart(2, "0")}-${String((n % 28) + 1).padStart(2, "0")}`,
          labels: [`label${n % BIG.labels}`, `label${(n + 3) % BIG.labels}`],
          assignees: people.length > 0 ? [people[n % people.length] as string] : [],
        },
      });
    }
  }
  return commands;
}

/** Flushes `commands` to the board in batches; resolves with the board's version. */
export async function seed(api: Api, boardId: string, commands: Command[]): Promise<number> {
  let from = (await api.sync.load.query({ boardId })).version;
  let batchSeq = 0;
  let batch: Command[] = [];
  let bytes = 0;
  const send = async () => {
    if (batch.length === 0) return;
    const answer = await api.sync.flush.mutate({
      boardId,
      clientId: `seed-${boardId}`,
      batchSeq: ++batchSeq,
      from,
      commands: batch,
    });
    if (answer.errors.length > 0) throw new Error(`seed refused: ${answer.errors[0]?.message}`);
    from = answer.version;
    batch = [];
    bytes = 0;
  };
  for (const command of commands) {
    const size = JSON.stringify(command).length;
    if (batch.length >= 400 || bytes + size > 200_000) await send();
    batch.push(command);
    bytes += size;
  }
  await send();
  return from;
}

/** Cards on a loaded board (a check that the seed is whole). */
export function countCards(document: Doc): number {
  const lists = document.lists as Record<string, { items?: object }>;
  return Object.values(lists).reduce((n, list) => n + Object.keys(list.items ?? {}).length, 0);
}

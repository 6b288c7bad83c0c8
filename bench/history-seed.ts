import type { Command } from "../src/sync";
import { seededRandom } from "../src/sync/testing/random";

/** Commands on the benches' big board, written in flushes of PER_FLUSH. */
export const COMMANDS = 100_000;
const PER_FLUSH = 500;
/** The item whose history is read: created first, then changed 49 times, evenly over the history. */
export const FOCUS = "focus";
export const FOCUS_TOUCHES = 50;

/**
 * A history of `total` commands in flushes of 500: every command is its own action (as a person
 * clicking): items added (up to 800), edited, checked and deleted; item FOCUS is created first and
 * changed FOCUS_TOUCHES - 1 times, evenly over the history. Yields each flush's commands.
 */
export function* historyFlushes(total = COMMANDS): Generator<Command[], string[]> {
  const random = seededRandom(42);
  const live: string[] = [];
  let created = 0;
  let version = 0;
  let n = 0;
  const every = Math.floor(total / FOCUS_TOUCHES);
  for (let flush = 0; version < total; flush++) {
    const commands: Command[] = [];
    if (flush === 0) {
      commands.push({ action: "create", path: ["lists"], createdId: "l", props: { title: "L" } });
      commands.push({
        action: "create",
        path: ["lists", "l", "items"],
        createdId: FOCUS,
        props: { text: "focus 0" },
        actionId: "focus-0",
        label: "Add item",
      });
    }
    while (commands.length < Math.min(PER_FLUSH, total - version)) {
      const actionId = `a${++n}`;
      const at = version + commands.length + 1;
      if (at % every === 0 && at / every < FOCUS_TOUCHES) {
        commands.push({
          action: "update",
          path: ["lists", "l", "items", FOCUS],
          props: { text: `focus ${at / every}` },
          actionId: `focus-${at / every}`,
          label: "Edit item",
        });
        continue;
      }
      const roll = random.int(10);
      const id = live.length > 0 ? live[random.int(live.length)] : undefined;
      if (!id || (roll < 2 && live.length < 800)) {
        const itemId = `i${++created}`;
        live.push(itemId);
        commands.push({
          action: "create",
          path: ["lists", "l", "items"],
          createdId: itemId,
          props: { text: `item ${created}` },
          actionId,
          label: "Add item",
        });
      } else if (roll < 3 && live.length > 400) {
        live.splice(live.indexOf(id), 1);
        commands.push({
          action: "delete",
          path: ["lists", "l", "items", id],
          actionId,
          label: "Delete item",
        });
      } else {
        commands.push({
          action: "update",
          path: ["lists", "l", "items", id],
          props: random.chance(0.5) ? { done: random.chance(0.5) } : { text: `edit ${n}` },
          actionId,
          label: "Edit item",
        });
      }
    }
    version += commands.length;
    yield commands;
  }
  return live;
}

import { describe, expect, it } from "vitest";
import { applyCommand, cloneJson } from "../core/apply";
import type { Command, Doc, JsonObject } from "../protocol";
import { type Random, seededRandom } from "../testing/random";
import { diffDocuments, emptyScope, widenScope } from "./diff";

function applyAll(doc: Doc, commands: Command[]): Doc {
  const copy = cloneJson(doc);
  for (const command of commands) {
    const outcome = applyCommand(copy, command, { onCollision: "fail" });
    if (!outcome.ok) throw new Error(`${JSON.stringify(command)}: ${outcome.message}`);
  }
  return copy;
}

const board = (): Doc => ({
  title: "Groceries",
  lists: {
    l1: { title: "Todo", order: "a", items: { i1: { text: "milk", done: false, order: "a" } } },
    l2: { title: "Done", order: "b", items: {} },
  },
});

/** A random board-shaped edit that applies to `doc`. */
function randomCommand(random: Random, doc: Doc): Command {
  const lists = Object.keys(doc.lists as JsonObject);
  const listId = random.pick(lists);
  const roll = random.int(6);
  if (!listId || roll === 0)
    return {
      action: "create",
      path: ["lists"],
      createdId: `l${random.int(1e6)}`,
      props: { title: "L", items: {} },
    };
  const items = Object.keys(((doc.lists as JsonObject)[listId] as JsonObject).items as JsonObject);
  const itemId = random.pick(items);
  if (roll === 1) return { action: "delete", path: ["lists", listId] };
  if (roll === 2 || !itemId)
    return {
      action: "create",
      path: ["lists", listId, "items"],
      createdId: `i${random.int(1e6)}`,
      props: { text: `t${random.int(9)}`, done: false },
    };
  if (roll === 3) return { action: "delete", path: ["lists", listId, "items", itemId] };
  if (roll === 4) return { action: "update", path: [], props: { title: `B${random.int(9)}` } };
  return {
    action: "update",
    path: ["lists", listId, "items", itemId],
    props: { done: random.chance(0.5), text: `t${random.int(9)}` },
  };
}

describe("document diff", () => {
  it("D1 gives no commands for equal documents", () => {
    expect(diffDocuments(board(), board())).toEqual([]);
  });

  it("D1 creates, updates and deletes nodes and props", () => {
    const from = board();
    const to = cloneJson(from) as Doc & { lists: Record<string, JsonObject> };
    delete to.lists.l2;
    (to.lists.l1 as { items: JsonObject }).items.i2 = { text: "eggs", done: true };
    ((to.lists.l1 as { items: JsonObject }).items.i1 as JsonObject).done = true;
    to.lists.l3 = { title: "New", items: { i3: { text: "x", done: false } } };
    const commands = diffDocuments(from, to);
    expect(applyAll(from, commands)).toEqual(to);
    expect(commands).toContainEqual({ action: "delete", path: ["lists", "l2"] });
    expect(commands).toContainEqual({
      action: "update",
      path: ["lists", "l1", "items", "i1"],
      props: { done: true },
    });
  });

  it("D1 replaces a node that lost a prop, and sets a lost root prop to null", () => {
    const from: Doc = { title: "T", note: "n", lists: { l1: { title: "A", extra: 1, items: {} } } };
    const to: Doc = { title: "T", lists: { l1: { title: "A", items: {} } } };
    const commands = diffDocuments(from, to);
    const at = commands.findIndex((c) => c.action === "delete");
    expect(commands.slice(at, at + 2)).toEqual([
      { action: "delete", path: ["lists", "l1"] },
      { action: "create", path: ["lists"], createdId: "l1", props: { title: "A", items: {} } },
    ]);
    expect(applyAll(from, commands)).toEqual({ ...to, note: null });
  });

  it("D1 turns any random board into any other (200 seeds)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      let a = board();
      let b = board();
      for (let i = 0; i < 15; i++) a = applyAll(a, [randomCommand(random, a)]);
      for (let i = 0; i < 15; i++) b = applyAll(b, [randomCommand(random, b)]);
      expect(applyAll(a, diffDocuments(a, b)), `seed ${seed}`).toEqual(b);
    }
  });

  it("D2 a diff scoped to what commands touched equals the full diff (200 seeds)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const base = board();
      for (let i = 0; i < 30; i++) {
        const list = `l${i}`;
        (base.lists as JsonObject)[list] = {
          title: list,
          items: { [`x${i}`]: { text: "", done: false } },
        };
      }
      // Two documents reached from the same base by different subsets of the same commands.
      const scope = emptyScope();
      let a = base;
      let b = base;
      for (let i = 0; i < 20; i++) {
        const command = randomCommand(random, a);
        widenScope(scope, command);
        a = applyAll(a, [command]);
        const onB = applyCommand(cloneJson(b), command, { onCollision: "fail" });
        if (random.chance(0.5) && onB.ok) b = applyAll(b, [command]);
      }
      const scoped = diffDocuments(a, b, scope);
      expect(applyAll(a, scoped), `seed ${seed}`).toEqual(b);
    }
  });
});

import { describe, expect, it } from "vitest";
import { applyCommand, cloneJson } from "../core/apply";
import type { Command, Doc, JsonObject } from "../protocol";
import { HistoryLog } from "../testing/HistoryLog";
import { seededRandom } from "../testing/random";

const emptyBoard = (): Doc => ({
  title: "Board",
  lists: { l1: { title: "Groceries", items: {} } },
});
const addItem = (id: string, text: string): Command => ({
  action: "create",
  path: ["lists", "l1", "items"],
  createdId: id,
  props: { text, done: false },
});
const setItem = (id: string, props: JsonObject): Command => ({
  action: "update",
  path: ["lists", "l1", "items", id],
  props,
});
const items = (doc: Doc) => (doc.lists as { l1: { items: Record<string, JsonObject> } }).l1.items;

describe.each([
  ["one checkpoint", 1_000_000],
  ["a checkpoint every 3 versions", 3],
])("undo, redo and restore (%s)", (_name, checkpointEvery) => {
  it("H3 undo while others edited after X leaves their edits intact", () => {
    const log = new HistoryLog(emptyBoard(), checkpointEvery);
    log.edit([addItem("a", "milk")]);
    const x = log.edit([addItem("b", "eggs")]);
    log.edit([addItem("c", "bread"), setItem("a", { done: true })]);
    const entry = log.undo(x);
    expect(entry.kind).toBe("undo");
    expect(entry.targetActionId).toBe(x);
    expect(items(log.document)).toEqual({
      a: { text: "milk", done: true },
      c: { text: "bread", done: false },
    });
    expect(log.actions.get(x)?.undone).toBe(true);
  });

  it("H5 undoing a create removes later edits to it; redo brings them back", () => {
    const log = new HistoryLog(emptyBoard(), checkpointEvery);
    const x = log.edit([addItem("a", "milk")]);
    log.edit([setItem("a", { text: "oat milk" })]);
    log.edit([addItem("b", "eggs")]);
    log.edit([setItem("a", { done: true })]);
    log.undo(x);
    expect(items(log.document)).toEqual({ b: { text: "eggs", done: false } });
    log.redo(x);
    expect(items(log.document)).toEqual({
      a: { text: "oat milk", done: true },
      b: { text: "eggs", done: false },
    });
    expect(log.actions.get(x)?.undone).toBe(false);
  });

  it("H3/H4 undo, redo, undo again", () => {
    const log = new HistoryLog(emptyBoard(), checkpointEvery);
    log.edit([addItem("a", "milk")]);
    const x = log.edit([setItem("a", { text: "oat milk" })]);
    log.edit([addItem("b", "eggs")]);
    log.undo(x);
    expect(items(log.document).a?.text).toBe("milk");
    log.redo(x);
    expect(items(log.document).a?.text).toBe("oat milk");
    log.undo(x);
    expect(items(log.document)).toEqual({
      a: { text: "milk", done: false },
      b: { text: "eggs", done: false },
    });
  });

  it("H6 restore, then undo the restore", () => {
    const log = new HistoryLog(emptyBoard(), checkpointEvery);
    log.edit([addItem("a", "milk")]);
    const v = log.version;
    const atV = cloneJson(log.document);
    log.edit([addItem("b", "eggs"), setItem("a", { done: true })]);
    log.edit([{ action: "update", path: [], props: { title: "Renamed" } }]);
    const before = cloneJson(log.document);
    const restore = log.restore(v);
    expect(restore.kind).toBe("restore");
    expect(log.document).toEqual(atV);
    log.undo(restore.actionId);
    expect(log.document).toEqual(before);
  });

  it("H3 an undo whose effect was overwritten is recorded without commands", () => {
    const log = new HistoryLog(emptyBoard(), checkpointEvery);
    log.edit([addItem("a", "milk")]);
    const x = log.edit([setItem("a", { text: "oat milk" })]);
    log.edit([setItem("a", { text: "soy milk" })]);
    const entry = log.undo(x);
    expect(entry.toVersion).toBe(entry.fromVersion);
    expect(items(log.document).a?.text).toBe("soy milk");
    expect(log.actions.get(x)?.undone).toBe(true);
  });

  it("H7 undo, redo and restore only append to the log", () => {
    const log = new HistoryLog(emptyBoard(), checkpointEvery);
    const x = log.edit([addItem("a", "milk")]);
    const written = log.log.map((entry) => structuredClone(entry.command));
    log.undo(x);
    log.redo(x);
    log.restore(0);
    expect(log.log.slice(0, written.length).map((entry) => entry.command)).toEqual(written);
    expect(log.version).toBe(4);
  });
});

/** H2: the replay, in log order, of every edit and restore that is not undone. */
function effectiveState(log: HistoryLog, initial: Doc): Doc {
  const document = cloneJson(initial);
  for (const { actionId, command } of log.log) {
    const record = log.actions.get(actionId);
    if (!record || record.kind === "undo" || record.kind === "redo" || record.undone) continue;
    applyCommand(document, command, { onCollision: "fail" });
  }
  return document;
}

describe.each([
  ["one checkpoint", 1_000_000],
  ["a checkpoint every 3 versions", 3],
  ["a checkpoint every version", 1],
])("effective state (%s)", (_name, checkpointEvery) => {
  it("H2 after every undo and redo the document is the replay of the actions not undone (300 seeds)", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const log = new HistoryLog(emptyBoard(), checkpointEvery);
      const edits: string[] = [];
      let created = 0;
      for (let step = 0; step < 25; step++) {
        const roll = random.int(10);
        const ids = Object.keys(items(log.document));
        const undoable = edits.filter((id) => !log.actions.get(id)?.undone);
        const undone = edits.filter((id) => log.actions.get(id)?.undone);
        if (roll < 2 && undoable.length > 0) {
          log.undo(random.pick(undoable) as string);
        } else if (roll < 3 && undone.length > 0) {
          log.redo(random.pick(undone) as string);
        } else if (roll < 4 && log.version > 0) {
          edits.push(log.restore(random.int(log.version)).actionId);
        } else {
          const id = random.pick(ids);
          const command =
            id && roll < 7
              ? setItem(id, { text: `t${random.int(5)}`, done: random.chance(0.5) })
              : id && roll < 8
                ? { action: "delete" as const, path: ["lists", "l1", "items", id] }
                : addItem(`n${++created}`, `t${random.int(5)}`);
          edits.push(log.edit([command]));
        }
        expect(log.document, `seed ${seed} step ${step}`).toEqual(
          effectiveState(log, emptyBoard()),
        );
      }
    }
  });
});

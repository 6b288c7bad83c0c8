import { produce } from "immer";
import { describe, expect, it } from "vitest";
import type { Command, Doc } from "../protocol";
import { type ApplyOptions, applyCommand } from "./apply";
import { newId } from "./ids";

const rename: ApplyOptions = { onCollision: "rename" };

/** Applies through Immer, as the engine does, returning the new document and the outcome. */
function run(doc: Doc, command: Command, options: ApplyOptions = rename) {
  let outcome: ReturnType<typeof applyCommand> | undefined;
  const next = produce(doc, (draft) => {
    outcome = applyCommand(draft, command, options);
  });
  if (!outcome) throw new Error("not applied");
  return { next, outcome };
}

const board = (): Doc => ({ title: "B", lists: { l1: { title: "Todo", items: {} } } });

describe("commands", () => {
  it("C1 create with props adds the child under the parent", () => {
    const { next, outcome } = run(board(), {
      action: "create",
      path: ["lists", "l1", "items"],
      createdId: "i1",
      props: { text: "milk", done: false },
    });
    expect(outcome).toEqual({
      ok: true,
      completion: {
        action: "create",
        path: ["lists", "l1", "items"],
        props: { text: "milk", done: false },
        createdId: "i1",
      },
    });
    expect(next).toEqual({
      title: "B",
      lists: { l1: { title: "Todo", items: { i1: { text: "milk", done: false } } } },
    });
  });

  it("C1 create without props adds an empty object", () => {
    const { next } = run(board(), { action: "create", path: ["lists"], createdId: "l2" });
    expect((next.lists as Doc).l2).toEqual({});
  });

  it("C2 parentDefault creates a missing parent once, then reuses it", () => {
    const doc: Doc = { lists: { l1: { title: "Todo" } } };
    const first = run(doc, {
      action: "create",
      path: ["lists", "l1", "items"],
      parentDefault: { kind: "items" },
      createdId: "a",
      props: { text: "a" },
    });
    expect(first.outcome.ok).toBe(true);
    const second = run(first.next, {
      action: "create",
      path: ["lists", "l1", "items"],
      parentDefault: { kind: "items" },
      createdId: "b",
      props: { text: "b" },
    });
    expect(second.next).toEqual({
      lists: {
        l1: { title: "Todo", items: { kind: "items", a: { text: "a" }, b: { text: "b" } } },
      },
    });
  });

  it("C2 parentDefault does not create missing grandparents", () => {
    const { next, outcome } = run(board(), {
      action: "create",
      path: ["lists", "nope", "items"],
      parentDefault: {},
      createdId: "x",
    });
    expect(outcome).toEqual({ ok: false, message: 'no node at "lists" › "nope"' });
    expect(next).toEqual(board());
  });

  it("C3 a taken id is renamed (rename mode) and reported as a mapped path", () => {
    const doc: Doc = { lists: { l1: {} } };
    const { next, outcome } = run(
      doc,
      { action: "create", path: ["lists"], createdId: "l1", props: { t: 2 } },
      {
        onCollision: "rename",
        newId: () => "fresh",
      },
    );
    expect(outcome).toMatchObject({
      ok: true,
      completion: { createdId: "fresh" },
      mapped: { from: ["lists", "l1"], to: ["lists", "fresh"] },
    });
    expect(next).toEqual({ lists: { l1: {}, fresh: { t: 2 } } });
  });

  it("C3 a taken id fails in replay mode, changing nothing", () => {
    const doc: Doc = { lists: { l1: {} } };
    const { next, outcome } = run(
      doc,
      { action: "create", path: ["lists"], createdId: "l1" },
      { onCollision: "fail" },
    );
    expect(outcome.ok).toBe(false);
    expect(next).toBe(doc);
  });

  it("C3 ids are taken per parent: the same id under two parents does not collide", () => {
    const doc: Doc = { a: { x: {} }, b: {} };
    const { outcome } = run(doc, { action: "create", path: ["b"], createdId: "x" });
    expect(outcome).toMatchObject({ ok: true, completion: { createdId: "x" } });
    expect(outcome.ok && "mapped" in outcome && outcome.mapped).toBeFalsy();
  });

  it("C3 ids are URL-safe, 21 characters, and distinct", () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newId()));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it("C4 update shallow-merges props, also at the root", () => {
    const { next } = run(board(), {
      action: "update",
      path: ["lists", "l1"],
      props: { title: "Done", color: "red" },
    });
    expect((next.lists as Doc).l1).toEqual({ title: "Done", items: {}, color: "red" });
    expect(run(board(), { action: "update", path: [], props: { title: "New" } }).next.title).toBe(
      "New",
    );
  });

  it("C4 delete removes a whole branch", () => {
    const doc: Doc = { lists: { l1: { items: { a: { text: "a" } } }, l2: {} } };
    const { next } = run(doc, { action: "delete", path: ["lists", "l1"] });
    expect(next).toEqual({ lists: { l2: {} } });
  });

  it("L1 untouched subtrees keep their identity", () => {
    const doc: Doc = { lists: { l1: { items: {} }, l2: { items: {} } } };
    const { next } = run(doc, { action: "update", path: ["lists", "l1"], props: { title: "x" } });
    expect((next.lists as Doc).l2).toBe((doc.lists as Doc).l2);
    expect(next).not.toBe(doc);
  });

  it("C5 failures leave the document untouched and explain where", () => {
    const doc: Doc = { a: { b: null, c: 5, d: [1, 2] } };
    const cases: [Command, string][] = [
      [{ action: "update", path: ["a", "b"], props: { x: 1 } }, '"a" › "b" is null'],
      [{ action: "update", path: ["a", "b", "x"], props: { x: 1 } }, '"a" › "b" is not an object'],
      [{ action: "update", path: ["a", "c"], props: { x: 1 } }, '"a" › "c" is not an object'],
      [{ action: "create", path: ["a", "d"], createdId: "x" }, '"a" › "d" is not an object'],
      [{ action: "update", path: ["a", "zz"], props: { x: 1 } }, 'no node at "a" › "zz"'],
      [{ action: "delete", path: ["a", "zz"] }, 'no node at "a" › "zz"'],
      [{ action: "delete", path: [] }, "cannot delete the root"],
      [{ action: "update", path: ["a"] }, "update needs props"],
      [{ action: "update", path: ["a"], props: [] as never }, "props must be an object"],
      [{ action: "nuke" as never, path: ["a"] }, "action must be one of create, update, delete"],
    ];
    for (const [command, message] of cases) {
      const { next, outcome } = run(doc, command);
      expect(outcome, JSON.stringify(command)).toEqual({ ok: false, message });
      expect(next).toBe(doc);
    }
  });

  it("P1 path segments are non-empty strings of at most 128 characters; null never throws", () => {
    const doc = board();
    const cases: [unknown[], string][] = [
      [["lists", ""], "path[1] must not be empty"],
      [["x".repeat(129)], "path[0] must be at most 128 characters"],
      [["lists", null], "path[1] must be a string, got null"],
      [["lists", 3], "path[1] must be a string, got number"],
    ];
    for (const [path, message] of cases) {
      const { outcome, next } = run(doc, {
        action: "update",
        path: path as string[],
        props: { a: 1 },
      });
      expect(outcome).toEqual({ ok: false, message });
      expect(next).toBe(doc);
    }
    expect(
      run(doc, { action: "create", path: ["x".repeat(128)], parentDefault: {} }).outcome.ok,
    ).toBe(true);
  });

  it("P2 reserved keys are refused in paths, ids and props; own keys only count as taken", () => {
    const doc: Doc = { lists: {} };
    expect(run(doc, { action: "update", path: ["__proto__"], props: { a: 1 } }).outcome).toEqual({
      ok: false,
      message: 'path[0] "__proto__" is a reserved key',
    });
    expect(
      run(doc, { action: "create", path: ["lists"], createdId: "constructor" }).outcome,
    ).toEqual({
      ok: false,
      message: 'createdId "constructor" is a reserved key',
    });
    const polluted = JSON.parse('{"__proto__": {"admin": true}}');
    expect(run(doc, { action: "update", path: ["lists"], props: polluted }).outcome).toEqual({
      ok: false,
      message: 'props key "__proto__" is a reserved key',
    });
    // "toString" lives on Object.prototype, yet is free under a node.
    expect(
      run(doc, { action: "create", path: ["lists"], createdId: "toString" }).outcome,
    ).toMatchObject({
      ok: true,
      completion: { createdId: "toString" },
    });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("C1 the created node is a copy: later changes to the caller's props do not leak in", () => {
    const props = { tags: { a: true } };
    const { next } = run(
      { lists: {} },
      { action: "create", path: ["lists"], createdId: "l", props },
    );
    props.tags.a = false;
    expect(((next.lists as Doc).l as Doc).tags).toEqual({ a: true });
  });
});

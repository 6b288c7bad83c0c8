import { describe, expect, it } from "vitest";
import type { Interceptor } from "../core/interceptor";
import type { Command, Doc, FlushRequest, RemoteChanges } from "../protocol";
import { Master } from "./Master";
import { ProtocolError } from "./ProtocolError";

const doc = (): Doc => ({ lists: {} });
const createList = (id: string, title = id): Command => ({
  action: "create",
  path: ["lists"],
  createdId: id,
  props: { title },
});
const flush = (
  clientId: string,
  batchSeq: number,
  from: number,
  commands: Command[],
): FlushRequest => ({
  clientId,
  batchSeq,
  from,
  commands,
});

/** H1: commands as the master applies them, given their batch's action id. */
const inBatch = (clientId: string, batchSeq: number, ...commands: Command[]): Command[] =>
  commands.map((command) => ({ ...command, actionId: `batch-${clientId}-${batchSeq}` }));

function ids(): () => string {
  let n = 0;
  return () => `m${++n}`;
}

describe("Master", () => {
  it("V1 M2 applies commands in order, one version each, and answers with completions", () => {
    const master = new Master({ document: doc() });
    const response = master.flush(flush("a", 1, 0, [createList("l1"), createList("l2")]), {});
    expect(master.version).toBe(2);
    expect(response.version).toBe(2);
    expect(response.applied).toEqual({
      from: 0,
      completions: inBatch("a", 1, createList("l1"), createList("l2")),
    });
    // S1: the batch sat right on the client's base, so `applied` alone moves it.
    expect(response.sync).toBeUndefined();
    expect(response.errors).toEqual([]);
    expect(response.mappedPaths).toEqual([]);
  });

  it("H1 commands sent without an action id belong to their batch; an action id sent is kept", () => {
    const master = new Master({ document: doc() });
    const own = { ...createList("l2"), actionId: "add-two", label: "Add list" };
    const response = master.flush(flush("a", 1, 0, [createList("l1"), own]), {});
    expect(response.applied.completions.map((c) => c.actionId)).toEqual(["batch-a-1", "add-two"]);
  });

  it("F3 a flush applies at the master's current version, whatever its from says", () => {
    const master = new Master({ document: doc() });
    master.flush(flush("a", 1, 0, [createList("l1"), createList("l2")]), {});
    const stale = master.flush(flush("b", 1, 0, [createList("l3")]), {});
    expect(stale.applied.from).toBe(2);
    const ahead = master.flush(flush("c", 1, 9, [createList("l4")]), {});
    expect(ahead.applied.from).toBe(3);
    expect(master.version).toBe(4);
  });

  it("M1 applies a batch's commands in order, each through the interceptor, on what the earlier ones left", () => {
    const seen: string[][] = [];
    const interceptor: Interceptor = (document, command) => {
      seen.push(Object.keys(document.lists as Doc));
      return command.createdId === "l2" ? { props: { title: "renamed by the rules" } } : undefined;
    };
    const master = new Master({ document: doc(), interceptor });
    const response = master.flush(
      flush("a", 1, 0, [createList("l1"), createList("l2"), createList("l3")]),
      {},
    );
    expect(seen).toEqual([[], ["l1"], ["l1", "l2"]]);
    expect(response.applied.completions[1]?.props).toEqual({ title: "renamed by the rules" });
    expect(Object.keys(master.document().lists as Doc)).toEqual(["l1", "l2", "l3"]);
  });

  it("M3 version is the version the client's base reaches with sync (diff, none or snapshot)", () => {
    const master = new Master({ document: doc(), historyLimit: 2 });
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    const diff = master.flush(flush("b", 1, 0, [createList("l2")]), {});
    expect(diff.sync?.kind).toBe("diff");
    if (diff.sync?.kind === "diff") {
      expect(diff.version).toBe(diff.sync.from + diff.sync.completions.length);
    }
    const none = master.flush(flush("b", 2, 2, []), {});
    expect(none.sync).toBeUndefined();
    expect(none.version).toBe(2);
    master.flush(flush("b", 3, 2, [createList("l3"), createList("l4")]), {});
    const snapshot = master.flush(flush("c", 1, 0, []), {});
    expect(snapshot.sync).toMatchObject({ kind: "snapshot", version: 4 });
    expect(snapshot.version).toBe(4);
  });

  it("M5 V1 a failing command is reported, gets no version, and the rest still applies", () => {
    const master = new Master({ document: doc() });
    const response = master.flush(
      flush("a", 1, 0, [
        createList("l1"),
        { action: "delete", path: ["lists", "nope"] },
        createList("l2"),
      ]),
      {},
    );
    expect(response.errors).toEqual([
      {
        index: 1,
        action: "delete",
        path: ["lists", "nope"],
        message: 'no node at "lists" › "nope"',
      },
    ]);
    expect(master.version).toBe(2);
    expect(Object.keys(master.document().lists as Doc)).toEqual(["l1", "l2"]);
  });

  it("M4 a colliding id is renamed and later commands of the batch follow the rename", () => {
    const master = new Master({ document: doc(), newId: ids() });
    master.flush(flush("a", 1, 0, [createList("l1", "A's list")]), {});
    const response = master.flush(
      flush("b", 1, 0, [
        createList("l1", "B's list"),
        {
          action: "create",
          path: ["lists", "l1", "items"],
          parentDefault: {},
          createdId: "i1",
          props: { text: "x" },
        },
        { action: "update", path: ["lists", "l1", "items", "i1"], props: { done: true } },
      ]),
      {},
    );
    expect(response.errors).toEqual([]);
    expect(response.mappedPaths).toEqual([{ from: ["lists", "l1"], to: ["lists", "m1"] }]);
    expect(response.applied.completions.map((c) => c.path)).toEqual([
      ["lists"],
      ["lists", "m1", "items"],
      ["lists", "m1", "items", "i1"],
    ]);
    expect(master.document()).toEqual({
      lists: {
        l1: { title: "A's list" },
        m1: { title: "B's list", items: { i1: { text: "x", done: true } } },
      },
    });
  });

  it("S1 a stale flush is answered with a diff of everything since its from, this batch included", () => {
    const master = new Master({ document: doc() });
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    master.flush(flush("a", 2, 1, [createList("l2")]), {});
    const response = master.flush(flush("b", 1, 0, [createList("l3")]), {});
    expect(response.applied).toEqual({ from: 2, completions: inBatch("b", 1, createList("l3")) });
    expect(response.sync).toEqual({
      kind: "diff",
      from: 0,
      completions: [
        ...inBatch("a", 1, createList("l1")),
        ...inBatch("a", 2, createList("l2")),
        ...inBatch("b", 1, createList("l3")),
      ],
    });
    expect(response.version).toBe(3);
  });

  it("S1 no sync when nothing changed since the client's from", () => {
    const master = new Master({ document: doc() });
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    const response = master.flush(flush("a", 2, 1, [{ action: "delete", path: ["nope"] }]), {});
    expect(response.sync).toBeUndefined();
    expect(response.version).toBe(1);
  });

  it("S1 no sync when the batch starts at the client's from: applied (stamped) moves its base", () => {
    const stamp: Interceptor = (_document, command) => ({
      props: { ...command.props, stamped: true },
    });
    const master = new Master({ document: doc(), interceptor: stamp });
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    const response = master.flush(flush("b", 1, 1, [createList("l2")]), {});
    expect(response.sync).toBeUndefined();
    expect(response.version).toBe(2);
    expect(response.applied.completions[0]?.props).toEqual({ title: "l2", stamped: true });
    // A retry of it gets the same answer, still without repeating the batch.
    expect(master.flush(flush("b", 1, 1, [createList("l2")]), {})).toEqual(response);
  });

  it("S2 missing history is answered with a snapshot", () => {
    const master = new Master({ document: doc(), historyLimit: 2 });
    for (let i = 1; i <= 4; i++) master.flush(flush("a", i, i - 1, [createList(`l${i}`)]), {});
    const response = master.flush(flush("b", 1, 0, [createList("l5")]), {});
    expect(response.sync).toEqual({ kind: "snapshot", version: 5, document: master.document() });
    expect(response.version).toBe(5);
    // A client within the kept history still gets a diff.
    const recent = master.flush(flush("c", 1, 4, []), {});
    expect(recent.sync).toEqual({
      kind: "diff",
      from: 4,
      completions: inBatch("b", 1, createList("l5")),
    });
  });

  it("S2 a client ahead of the master gets a snapshot", () => {
    const master = new Master({ document: doc() });
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    const response = master.flush(flush("b", 1, 7, [createList("l2")]), {});
    expect(response.sync).toEqual({ kind: "snapshot", version: 2, document: master.document() });
  });

  it("F4 a duplicate batchSeq is not re-applied and gets the same answer", () => {
    const master = new Master({ document: doc(), newId: ids() });
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    const request = flush("b", 1, 0, [createList("l1"), { action: "delete", path: ["x"] }]);
    const first = master.flush(request, {});
    master.flush(flush("a", 2, 1, [createList("l9")]), {}); // someone else moves on meanwhile
    const retry = master.flush(request, {});
    expect(retry).toEqual(first);
    expect(master.version).toBe(3);
    expect(Object.keys(master.document().lists as Doc)).toEqual(["l1", "m1", "l9"]);
  });

  it("F8 batchSeq 0 is a catch-up: answered at the head, takes no batchSeq; F4 still holds", () => {
    const master = new Master({ document: doc() });
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    // Before b's first batch, then after it: the catch-up never leaves a gap.
    const first = master.flush(flush("b", 0, 0, []), {});
    expect(first.applied).toEqual({ from: 1, completions: [] });
    expect(first.sync).toEqual({
      kind: "diff",
      from: 0,
      completions: inBatch("a", 1, createList("l1")),
    });
    const own = master.flush(flush("b", 1, 1, [createList("l2")]), {});
    master.flush(flush("a", 2, 2, [createList("l3")]), {});
    const again = master.flush(flush("b", 0, 2, []), {});
    expect(again.version).toBe(3);
    expect(again.applied).toEqual({ from: 3, completions: [] });
    expect(again.sync).toEqual({
      kind: "diff",
      from: 2,
      completions: inBatch("a", 2, createList("l3")),
    });
    // An empty flush under the last batchSeq is a retry (F4): answered as the first time.
    expect(master.flush(flush("b", 1, 1, []), {})).toEqual(own);
    expect(master.flush(flush("b", 2, 3, [createList("l4")]), {}).applied.from).toBe(3);
    expect(master.version).toBe(4);
  });

  it("F2 a batchSeq that skips ahead or goes back is refused with a clear error, changing nothing", () => {
    const master = new Master({ document: doc() });
    expect(() => master.flush(flush("a", 2, 0, [createList("l1")]), {})).toThrow(
      new ProtocolError("BATCH_SEQ_GAP", "batchSeq 2 skips ahead for client a: expected 1"),
    );
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    master.flush(flush("a", 2, 1, [createList("l2")]), {});
    expect(() => master.flush(flush("a", 1, 0, [createList("l3")]), {})).toThrow(
      /BATCH_SEQ_STALE|older than/,
    );
    expect(master.version).toBe(2);
  });

  it("I1 an interceptor's props are what is stored and returned; a rejection is an error", () => {
    const interceptor: Interceptor<{ userId: string; now: Date }> = (
      document,
      command,
      context,
    ) => {
      if (command.action !== "create") return undefined;
      if (Object.keys(document.lists as Doc).length >= 2)
        return { reject: "This board is full: 2 lists at most" };
      return {
        props: {
          ...command.props,
          createdBy: context.userId,
          createdAt: context.now.toISOString(),
        },
      };
    };
    const master = new Master({ document: doc(), interceptor });
    const now = new Date("2030-01-01T00:00:00Z");
    const response = master.flush(
      flush("a", 1, 0, [createList("l1"), createList("l2"), createList("l3")]),
      { userId: "u1", now },
    );
    const stamped = { title: "l1", createdBy: "u1", createdAt: "2030-01-01T00:00:00.000Z" };
    expect(response.applied.completions[0]?.props).toEqual(stamped);
    expect((master.document().lists as Doc).l1).toEqual(stamped);
    expect(response.errors).toEqual([
      {
        index: 2,
        action: "create",
        path: ["lists"],
        message: "This board is full: 2 lists at most",
      },
    ]);
  });

  it("I2 a throwing interceptor rejects just that command", () => {
    const master = new Master({
      document: doc(),
      interceptor: (_doc, command) => {
        if (command.createdId === "bad") throw new Error("rule crashed");
        return undefined;
      },
    });
    const response = master.flush(flush("a", 1, 0, [createList("bad"), createList("ok")]), {});
    expect(response.errors.map((e) => e.message)).toEqual(["rule crashed"]);
    expect(master.version).toBe(1);
  });

  it("S3 subscribers hear every batch that changed the document", () => {
    const master = new Master({ document: doc() });
    const heard: RemoteChanges[] = [];
    master.subscribe((changes) => heard.push(changes));
    master.flush(flush("a", 1, 0, [createList("l1")]), {});
    master.flush(flush("a", 2, 1, [{ action: "delete", path: ["nope"] }]), {});
    master.flush(flush("b", 1, 1, [createList("l2")]), {});
    expect(heard).toEqual([
      { from: 0, completions: inBatch("a", 1, createList("l1")) },
      { from: 1, completions: inBatch("b", 1, createList("l2")) },
    ]);
  });
});

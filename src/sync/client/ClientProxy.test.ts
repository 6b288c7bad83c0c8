import { describe, expect, it } from "vitest";
import { Master } from "../master/Master";
import type { Doc } from "../protocol";
import { ClientProxy, type ProxyEvent } from "./ClientProxy";

const start = (): Doc => ({ lists: {} });

/** A master and proxies, with the test delivering every message by hand. */
function setup(names: string[] = ["a", "b"]) {
  const master = new Master({ document: start() });
  const events: Record<string, ProxyEvent[]> = {};
  const proxies = Object.fromEntries(
    names.map((name) => {
      const proxy = new ClientProxy({ clientId: name, base: master.load() });
      events[name] = [];
      proxy.subscribe((event) => events[name]?.push(event));
      return [name, proxy];
    }),
  ) as Record<string, ClientProxy>;
  /** One full round trip for `proxy`. */
  const sync = (proxy: ClientProxy, force = false) => {
    const request = proxy.beginFlush({ force });
    if (request) proxy.endFlush(master.flush(request, {}));
  };
  const kinds = (name: string) =>
    (events[name] ?? []).map((e) => e.type).filter((t) => t !== "change");
  return { master, proxies, events, sync, kinds };
}

const addList = (proxy: ClientProxy, title: string) =>
  proxy.transact("Add list", (tx) => tx.create(["lists"], { title }));

describe("ClientProxy", () => {
  it("L1 applies at once, immutably, and queues the command", () => {
    const { proxies } = setup(["a"]);
    const a = proxies.a as ClientProxy;
    const before = a.document;
    const result = a.apply({
      action: "create",
      path: ["lists"],
      createdId: "l1",
      props: { title: "T" },
    });
    expect(result.ok).toBe(true);
    expect(a.document).toEqual({ lists: { l1: { title: "T" } } });
    expect(before).toEqual({ lists: {} });
    expect(Object.isFrozen(a.document)).toBe(true);
    expect(a.pendingCount).toBe(1);
  });

  it("F8 a forced flush with nothing queued catches up with batchSeq 0", () => {
    const { master, proxies, sync } = setup(["a", "b"]);
    const [a, b] = [proxies.a as ClientProxy, proxies.b as ClientProxy];
    expect(b.beginFlush({ force: true })?.batchSeq).toBe(0); // before its first batch
    b.cancelFlush();
    addList(a, "A");
    sync(a);
    sync(b, true);
    expect(b.document).toEqual(master.document());
    addList(b, "B");
    expect(b.beginFlush()?.batchSeq).toBe(1); // the catch-up took none
    b.cancelFlush();
    sync(b);
    expect(b.beginFlush({ force: true })?.batchSeq).toBe(0);
  });

  it("L1 a failing command changes nothing and queues nothing; batches are all or none", () => {
    const { proxies } = setup(["a"]);
    const a = proxies.a as ClientProxy;
    const before = a.document;
    const result = a.apply([
      { action: "create", path: ["lists"], createdId: "l1" },
      { action: "delete", path: ["lists", "nope"] },
    ]);
    expect(result).toEqual({ ok: false, message: 'no node at "lists" › "nope"' });
    expect(a.document).toBe(before);
    expect(a.pendingCount).toBe(0);
  });

  it("L2 transact groups one action's commands under one actionId and label", () => {
    const { proxies } = setup(["a"]);
    const a = proxies.a as ClientProxy;
    const result = a.transact("Add list with item", (tx) => {
      const list = tx.create(["lists"], { title: "Groceries" });
      const item = tx.create(["lists", list, "items"], { text: "milk" }, { parentDefault: {} });
      tx.update(["lists", list, "items", item], { done: true });
      return list;
    });
    expect(result.ok).toBe(true);
    const queued = a.getState().queue;
    expect(queued).toHaveLength(3);
    expect(new Set(queued.map((c) => c.actionId)).size).toBe(1);
    expect(queued.every((c) => c.label === "Add list with item")).toBe(true);
    expect(queued[0]?.createdId).toBe(result.ok ? result.value : "");
  });

  it("F1 R1 a flush hands over the queue, edits during it queue separately, the answer moves the base", () => {
    const { master, proxies } = setup(["a"]);
    const a = proxies.a as ClientProxy;
    addList(a, "one");
    const request = a.beginFlush();
    expect(request).toMatchObject({ clientId: "a", batchSeq: 1, from: 0 });
    expect(request?.commands).toHaveLength(1);
    expect(a.beginFlush()).toBeNull(); // one flush at a time
    addList(a, "two");
    a.endFlush(master.flush(request as never, {}));
    expect(a.version).toBe(1);
    expect(a.pendingCount).toBe(1);
    const next = a.beginFlush();
    expect(next).toMatchObject({ batchSeq: 2, from: 1 });
    a.endFlush(master.flush(next as never, {}));
    expect(a.document).toEqual(master.document());
    expect(a.pendingCount).toBe(0);
  });

  it("F6 F4 cancel keeps the edits; the retry is the same request, harmless if the first one landed", () => {
    const { master, proxies } = setup(["a"]);
    const a = proxies.a as ClientProxy;
    addList(a, "one");
    const request = a.beginFlush();
    master.flush(request as never, {}); // applied, but the answer is lost
    a.cancelFlush();
    addList(a, "two");
    expect(a.pendingCount).toBe(2);
    const retry = a.beginFlush();
    expect(retry).toBe(request);
    a.endFlush(master.flush(retry as never, {}));
    expect(master.version).toBe(1);
    const next = a.beginFlush();
    a.endFlush(master.flush(next as never, {}));
    expect(master.version).toBe(2);
    expect(a.document).toEqual(master.document());
    expect(Object.values(master.document().lists as Doc)).toEqual([
      { title: "one" },
      { title: "two" },
    ]);
  });

  it("R2 queued commands are rebased over a remote diff", () => {
    const { master, proxies, sync } = setup();
    const [a, b] = [proxies.a as ClientProxy, proxies.b as ClientProxy];
    addList(a, "from a");
    sync(a);
    addList(b, "from b");
    sync(b);
    expect(b.version).toBe(2);
    expect(b.document).toEqual(master.document());
    expect(Object.values(b.document.lists as Doc)).toEqual([
      { title: "from a" },
      { title: "from b" },
    ]);
  });

  it("M4 R2 two clients creating the same id converge; queued commands follow the rename", () => {
    const { master, proxies, sync } = setup();
    const [a, b] = [proxies.a as ClientProxy, proxies.b as ClientProxy];
    a.apply({ action: "create", path: ["lists"], createdId: "same", props: { title: "A" } });
    b.apply({ action: "create", path: ["lists"], createdId: "same", props: { title: "B" } });
    sync(a);
    const request = b.beginFlush();
    // b keeps editing its list while the flush is in flight
    b.apply({ action: "update", path: ["lists", "same"], props: { title: "B2" } });
    const response = master.flush(request as never, {});
    expect(response.mappedPaths).toHaveLength(1);
    const renamed = response.mappedPaths[0]?.to ?? [];
    b.endFlush(response);
    expect(b.getState().queue[0]?.path).toEqual(renamed);
    sync(b);
    sync(a, true);
    expect(a.document).toEqual(master.document());
    expect(b.document).toEqual(master.document());
    expect((master.document().lists as Doc).same).toEqual({ title: "A" });
    expect(Object.values(master.document().lists as Doc)).toEqual([
      { title: "A" },
      { title: "B2" },
    ]);
  });

  it("R3 a queued command whose target another person deleted is dropped and reported", () => {
    const { master, proxies, sync, events, kinds } = setup();
    const [a, b] = [proxies.a as ClientProxy, proxies.b as ClientProxy];
    master.subscribe((changes) => b.receive(changes));
    a.apply({ action: "create", path: ["lists"], createdId: "l1", props: { title: "T" } });
    sync(a);
    b.apply({ action: "update", path: ["lists", "l1"], props: { title: "renamed by b" } });
    a.apply({ action: "delete", path: ["lists", "l1"] });
    sync(a); // b hears of the delete while its update is still unsent
    expect(kinds("b")).toEqual(["dropped"]);
    const dropped = events.b?.find((e) => e.type === "dropped");
    expect(dropped).toEqual({
      type: "dropped",
      dropped: [
        {
          command: { action: "update", path: ["lists", "l1"], props: { title: "renamed by b" } },
          message: 'no node at "lists" › "l1"',
        },
      ],
    });
    expect(b.document).toEqual(master.document());
    expect(b.pendingCount).toBe(0);
  });

  it("R4 a command the master rejects is rolled back and reported with the reason", () => {
    const master = new Master({
      document: start(),
      interceptor: (_d, c) =>
        c.props?.title === "forbidden" ? { reject: "Titles cannot be forbidden" } : undefined,
    });
    const a = new ClientProxy({ clientId: "a", base: master.load() });
    const events: ProxyEvent[] = [];
    a.subscribe((e) => events.push(e));
    addList(a, "fine");
    addList(a, "forbidden");
    expect(Object.keys(a.document.lists as Doc)).toHaveLength(2);
    a.endFlush(master.flush(a.beginFlush() as never, {}));
    expect(Object.values(a.document.lists as Doc)).toEqual([{ title: "fine" }]);
    const rejected = events.find((e) => e.type === "rejected");
    expect(rejected).toMatchObject({
      type: "rejected",
      errors: [
        {
          index: 1,
          message: "Titles cannot be forbidden",
          command: { props: { title: "forbidden" } },
        },
      ],
    });
  });

  it("I1 a client-side interceptor refuses at once, leaving the document as it was", () => {
    const master = new Master({ document: start() });
    const a = new ClientProxy({
      base: master.load(),
      interceptor: (_d, c) =>
        c.action === "delete" ? { reject: "Viewers cannot delete" } : undefined,
    });
    addList(a, "x");
    const before = a.document;
    const result = a.transact("Delete", (tx) =>
      tx.delete(["lists", Object.keys(before.lists as Doc)[0] ?? ""]),
    );
    expect(result).toEqual({ ok: false, message: "Viewers cannot delete" });
    expect(a.document).toBe(before);
  });

  it("S3 remote changes apply without a round trip, under the user's unsent edits", () => {
    const { master, proxies, sync } = setup();
    const [a, b] = [proxies.a as ClientProxy, proxies.b as ClientProxy];
    master.subscribe((changes) => b.receive(changes));
    b.apply({
      action: "create",
      path: ["lists"],
      createdId: "mine",
      props: { title: "b's draft" },
    });
    addList(a, "from a");
    sync(a);
    expect(b.version).toBe(1);
    expect(b.document.lists).toEqual({
      mine: { title: "b's draft" },
      [Object.keys(master.document().lists as Doc)[0] ?? ""]: { title: "from a" },
    });
    expect(b.pendingCount).toBe(1);
  });

  it("S3 changes arriving while a flush is unanswered wait for the answer, own batch applied once", () => {
    const { master, proxies } = setup();
    const [a, b] = [proxies.a as ClientProxy, proxies.b as ClientProxy];
    master.subscribe((changes) => a.receive(changes));
    addList(a, "a1");
    const request = a.beginFlush();
    const response = master.flush(request as never, {}); // the event for a's own batch arrives first
    addList(b, "b1");
    b.endFlush(master.flush(b.beginFlush() as never, {}));
    // Until the answer, a shows its own edit exactly once (not again from the pushed copy).
    expect(Object.values(a.document.lists as Doc)).toEqual([{ title: "a1" }]);
    a.endFlush(response);
    expect(a.version).toBe(2);
    expect(a.document).toEqual(master.document());
    expect(Object.keys(a.document.lists as Doc)).toHaveLength(2);
  });

  it("S4 a gap in received changes asks for a resync; reset keeps the unsent edits", () => {
    const { master, proxies, kinds } = setup();
    const [a, b] = [proxies.a as ClientProxy, proxies.b as ClientProxy];
    addList(a, "a1");
    a.endFlush(master.flush(a.beginFlush() as never, {}));
    addList(a, "a2");
    a.endFlush(master.flush(a.beginFlush() as never, {}));
    b.apply({ action: "create", path: ["lists"], createdId: "bx", props: { title: "unsent" } });
    b.receive({ from: 0, completions: [] }); // nothing new: ignored
    b.receive({ from: 1, completions: [{ action: "create", path: ["lists"], createdId: "zz" }] });
    expect(kinds("b")).toEqual(["resync-needed"]);
    b.reset(master.load());
    expect(b.version).toBe(2);
    expect(Object.values(b.document.lists as Doc)).toEqual([
      { title: "a1" },
      { title: "a2" },
      { title: "unsent" },
    ]);
  });

  it("a proxy resumed from saved state re-sends its unacked flush and keeps its queue", () => {
    const { master, proxies } = setup(["a"]);
    const a = proxies.a as ClientProxy;
    addList(a, "sent");
    const request = a.beginFlush();
    master.flush(request as never, {}); // landed; the tab closed before the answer
    addList(a, "queued");
    const saved = JSON.parse(JSON.stringify(a.getState()));

    const resumed = new ClientProxy({ state: saved });
    expect(resumed.document).toEqual(a.document);
    const retry = resumed.beginFlush();
    expect(retry).toEqual(request);
    resumed.endFlush(master.flush(retry as never, {}));
    resumed.endFlush(master.flush(resumed.beginFlush() as never, {}));
    expect(master.version).toBe(2);
    expect(resumed.document).toEqual(master.document());
  });

  it("X1 rebasing leaves untouched subtrees shared with the previous document", () => {
    const { proxies, sync } = setup();
    const [a, b] = [proxies.a as ClientProxy, proxies.b as ClientProxy];
    a.apply({ action: "create", path: ["lists"], createdId: "l1", props: { title: "x" } });
    sync(a);
    sync(b, true);
    const before = (b.document.lists as Doc).l1;
    a.apply({ action: "create", path: ["lists"], createdId: "l2", props: { title: "y" } });
    sync(a);
    sync(b, true);
    expect((b.document.lists as Doc).l1).toBe(before);
  });
});

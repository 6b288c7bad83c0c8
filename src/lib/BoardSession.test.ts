import { afterEach, describe, expect, it, vi } from "vitest";
import { asBoard, boardPath, emptyBoard } from "@/board";
import {
  type Doc,
  type FlushRequest,
  type FlushResponse,
  type Interceptor,
  Master,
  type RemoteChanges,
} from "@/sync";
import { BoardSession, type BoardTransport, type FailureKind } from "./BoardSession";
import { type BoardCache, MemoryBoardCache } from "./device/BoardCache";

/** No answer from the server: the outcome of the call is unknown. */
class NoAnswer extends Error {}

/** The server's TOO_MANY_REQUESTS: nothing applied, come back in `retryAfterMs`. */
class SlowDown extends Error {
  constructor(readonly retryAfterMs: number) {
    super("Slow down");
  }
}

/**
 * A transport to a real in-memory master whose network the test controls: calls can fail before
 * reaching the master (`offline`), flushes can reach it and lose their answer (`loseAnswers`),
 * loads can fail, and pushed changes are delivered only when the test says so (`held`).
 */
class FakeTransport implements BoardTransport {
  offline = false;
  /** Flushes refused as over the fair-use limit (before reaching the master), and the wait asked. */
  slowDowns = 0;
  slowDownMs = 30;
  refusedAt: number[] = [];
  loseAnswers = 0;
  failLoads = 0;
  holdPushes = false;
  readonly flushes: FlushRequest[] = [];
  loads = 0;
  private readonly held: (() => void)[] = [];

  constructor(readonly master: Master) {}

  async load() {
    await tick();
    this.loads += 1;
    if (this.offline || this.failLoads-- > 0) throw new NoAnswer("load failed");
    return this.master.load();
  }

  /** The versions asked to catch up from. */
  readonly catchUps: number[] = [];

  /** While set, catch-ups wait for it (the network is slow). */
  slow: Promise<void> | null = null;

  async catchUp(since: number) {
    await tick();
    await this.slow;
    if (this.offline) throw new NoAnswer("catch-up failed");
    this.catchUps.push(since);
    const completions = this.master.commandsBetween(since, this.master.version);
    if (!completions) return this.master.load();
    return { version: this.master.version, from: since, completions: structuredClone(completions) };
  }

  async flush(request: FlushRequest): Promise<FlushResponse> {
    await tick();
    if (this.offline) throw new NoAnswer("offline");
    if (this.slowDowns-- > 0) {
      this.refusedAt.push(performance.now());
      throw new SlowDown(this.slowDownMs);
    }
    this.flushes.push(structuredClone(request));
    const response = this.master.flush(structuredClone(request), {});
    if (this.loseAnswers-- > 0) throw new NoAnswer("answer lost");
    return structuredClone(response);
  }

  subscribe(lastEventId: number, onData: (changes: RemoteChanges) => void) {
    let seen = lastEventId;
    const deliver = (changes: RemoteChanges) => {
      const send = () => onData(structuredClone(changes));
      if (this.holdPushes) this.held.push(send);
      else queueMicrotask(send);
    };
    const missed = this.master.commandsBetween(seen, this.master.version);
    if (missed?.length) deliver({ from: seen, completions: missed });
    return this.master.subscribe((changes) => {
      if (changes.from < seen) return;
      seen = changes.from + changes.completions.length;
      deliver(changes);
    });
  }

  readonly undoRequests: string[] = [];

  async canUndo() {
    await tick();
    return { undo: this.master.version > 0, redo: false };
  }

  async undo(entryId: string) {
    await tick();
    this.undoRequests.push(entryId);
    return { canUndo: { undo: false, redo: true } };
  }

  async redo(_entryId: string) {
    await tick();
    return { canUndo: { undo: true, redo: false } };
  }

  /** Delivers the held pushes, skipping the first `skip` (a gap the client must notice). */
  release(skip = 0) {
    const held = this.held.splice(0);
    for (const send of held.slice(skip)) send();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

const classify = (error: unknown): FailureKind =>
  error instanceof NoAnswer ? "offline" : error instanceof SlowDown ? "slowed" : "refused";

const sessions: BoardSession[] = [];

function open(transport: FakeTransport, cache: BoardCache = new MemoryBoardCache()) {
  const session = new BoardSession({
    boardId: "b1",
    userId: "ada",
    transport,
    classify,
    retryAfterMs: (error) => (error instanceof SlowDown ? error.retryAfterMs : null),
    cache,
    flushDelayMs: 0,
    retryDelayMs: 2,
  });
  sessions.push(session);
  return session;
}

/** A board with one list, "Trip" (l1). */
function boardWithList(interceptor?: Interceptor) {
  const master = new Master({ document: emptyBoard("Holidays"), interceptor });
  master.flush(
    {
      clientId: "setup",
      batchSeq: 1,
      from: 0,
      commands: [
        { action: "create", path: boardPath.lists(), createdId: "l1", props: { title: "Trip" } },
      ],
    },
    {},
  );
  return master;
}

const texts = (document: Doc | null) =>
  Object.values(asBoard(document ?? emptyBoard("")).lists.l1?.items ?? {}).map((i) => i.text);

function addItem(session: BoardSession, text: string) {
  session.edit("Add item", (tx) =>
    tx.create(boardPath.items("l1"), { text, done: false }, { parentDefault: {} }),
  );
}

const saved = (session: BoardSession) =>
  vi.waitFor(() => expect(session.status).toEqual({ kind: "saved" }));

afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

describe("BoardSession", () => {
  it("shows an edit at once and flushes it in the background until saved", async () => {
    const transport = new FakeTransport(boardWithList());
    const session = open(transport);
    await session.start();
    expect(session.document).toEqual(transport.master.document());
    addItem(session, "Passport");
    expect(texts(session.document)).toEqual(["Passport"]);
    expect(session.status).toEqual({ kind: "saving", unsaved: 1 });
    await saved(session);
    expect(texts(transport.master.document())).toEqual(["Passport"]);
    expect(session.version).toBe(2);
  });

  it("what can be undone follows the person's saved edit and the undo's answer, with no timer", async () => {
    const transport = new FakeTransport(new Master({ document: emptyBoard("Holidays") }));
    const session = open(transport);
    await session.start();
    session.enableUndo(true);
    await vi.waitFor(() => expect(session.snapshot.undoRedo).toMatchObject({ undo: false }));
    session.edit("Add list", (tx) => tx.create(boardPath.lists(), { title: "Trip" }, { id: "l1" }));
    await saved(session);
    expect(session.snapshot.undoRedo).toEqual({ undo: true, redo: false, busy: false });
    const undone = session.undo();
    expect(session.snapshot.undoRedo.busy).toBe(true);
    await undone;
    expect(session.snapshot.undoRedo).toEqual({ undo: false, redo: true, busy: false });
    expect(transport.undoRequests).toHaveLength(1);
  });

  it("a flush over the server's limit is kept, shown as slowed down, and sent again when it says", async () => {
    const transport = new FakeTransport(boardWithList());
    const session = open(transport);
    await session.start();
    transport.slowDowns = 2;
    transport.slowDownMs = 40;
    addItem(session, "Passport");
    await vi.waitFor(() => expect(session.status).toEqual({ kind: "slowed", unsaved: 1 }));
    expect(texts(session.document)).toEqual(["Passport"]); // still shown, still kept
    const sentAt = transport.refusedAt[0] as number;
    await saved(session);
    // Sent again only after each wait the server asked for, and applied once.
    expect(transport.refusedAt).toHaveLength(2);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(35);
    const [first, second] = transport.refusedAt as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(35);
    expect(transport.flushes).toHaveLength(1);
    expect(texts(transport.master.document())).toEqual(["Passport"]);
  });

  it("F6 a flush whose answer was lost is retried with the same batchSeq and applied once", async () => {
    const transport = new FakeTransport(boardWithList());
    const session = open(transport);
    await session.start();
    transport.loseAnswers = 1;
    addItem(session, "Passport");
    await saved(session);
    expect(transport.flushes.map((f) => f.batchSeq)).toEqual([1, 1]);
    expect(transport.flushes[1]).toEqual(transport.flushes[0]);
    expect(texts(transport.master.document())).toEqual(["Passport"]);
    expect(texts(session.document)).toEqual(["Passport"]);
  });

  it("offline edits are kept in storage and sent by the next visit after the page closed", async () => {
    const transport = new FakeTransport(boardWithList());
    const storage = new MemoryBoardCache();
    const first = open(transport, storage);
    await first.start();
    transport.offline = true;
    addItem(first, "Passport");
    addItem(first, "Tickets");
    await vi.waitFor(() => expect(first.status).toEqual({ kind: "offline", unsaved: 2 }));
    first.stop(); // the page closes while offline

    transport.offline = false;
    const second = open(transport, storage);
    await second.start();
    await saved(second);
    expect(texts(transport.master.document()).sort()).toEqual(["Passport", "Tickets"]);
    expect(texts(second.document).sort()).toEqual(["Passport", "Tickets"]);
    expect(storage.keptPages).toBe(0);
  });

  it("a board kept on the device is painted at once, then caught up from its version, not loaded", async () => {
    const transport = new FakeTransport(boardWithList());
    const cache = new MemoryBoardCache();
    const first = open(transport, cache);
    await first.start();
    addItem(first, "Passport");
    await saved(first);
    first.flushNow(); // the page is hidden: the confirmed board goes to the device
    await vi.waitFor(async () => expect((await cache.board())?.version).toBe(first.version));
    first.stop();
    addRemote(transport.master, "Tickets"); // someone else adds while the page is closed
    const loads = transport.loads;

    const second = open(transport, cache);
    const seen: string[][] = [];
    second.onChange(() => seen.push(texts(second.document)));
    let answer = () => {};
    transport.slow = new Promise((resolve) => {
      answer = resolve;
    });
    const started = second.start();
    await vi.waitFor(() => expect(texts(second.document)).toEqual(["Passport"])); // from the device
    expect(second.status.kind).toBe("loading"); // the server has not answered yet
    answer();
    await started;
    expect(texts(second.document).sort()).toEqual(["Passport", "Tickets"]);
    expect(transport.catchUps).toEqual([first.version]);
    expect(transport.loads).toBe(loads); // no full load: the subscription caught up from the version
    expect(second.version).toBe(transport.master.version);
    // What the page showed went from the kept board to the server's: nothing twice, nothing gone.
    for (const shown of seen) {
      expect(new Set(shown).size).toBe(shown.length);
      expect(shown).toContain("Passport");
    }
  });

  it("with no network, a board kept on the device opens as Offline, and its edits reach the master once", async () => {
    const transport = new FakeTransport(boardWithList());
    const cache = new MemoryBoardCache();
    const first = open(transport, cache);
    await first.start();
    addItem(first, "Passport");
    await saved(first);
    first.setOnline(false); // the network goes: the board is written to the device
    await vi.waitFor(async () => expect((await cache.board())?.version).toBe(first.version));
    first.stop();

    transport.offline = true; // the page is reloaded with no network
    const second = open(transport, cache);
    await second.start();
    expect(second.status).toEqual({ kind: "offline", unsaved: 0 });
    expect(texts(second.document)).toEqual(["Passport"]);
    addItem(second, "Tickets");
    expect(texts(second.document).sort()).toEqual(["Passport", "Tickets"]);
    await vi.waitFor(() => expect(second.status).toEqual({ kind: "offline", unsaved: 1 }));
    expect(cache.keptPages).toBe(1); // kept on the device meanwhile

    transport.offline = false;
    second.setOnline(true);
    await saved(second);
    expect(texts(transport.master.document()).sort()).toEqual(["Passport", "Tickets"]);
    expect(cache.keptPages).toBe(0);
  });

  it("F7 never shows an edit twice when a reopened page re-sends a flush the master had applied", async () => {
    // Ada's flush reached the master but its answer was lost as she closed the page; the next
    // visit loads a board that already holds "Passport" and still has the flush unanswered.
    const transport = new FakeTransport(boardWithList());
    const storage = new MemoryBoardCache();
    const first = open(transport, storage);
    await first.start();
    transport.loseAnswers = Number.POSITIVE_INFINITY;
    addItem(first, "Passport");
    await vi.waitFor(() => expect(transport.flushes.length).toBeGreaterThan(0));
    first.stop();
    transport.loseAnswers = 0;
    addRemote(transport.master, "Tickets"); // someone else adds meanwhile

    const second = open(transport, storage);
    const seen: string[][] = [];
    second.onChange(() => seen.push(texts(second.document)));
    await second.start();
    await saved(second);
    await tick();
    expect(texts(second.document).sort()).toEqual(["Passport", "Tickets"]);
    for (const shown of seen) expect(new Set(shown).size).toBe(shown.length);
    expect(texts(transport.master.document()).sort()).toEqual(["Passport", "Tickets"]);
  });

  it("S4 a gap in pushed changes is caught up by loading the board again", async () => {
    const transport = new FakeTransport(boardWithList());
    const session = open(transport);
    await session.start();
    transport.holdPushes = true;
    addRemote(transport.master, "Milk");
    addRemote(transport.master, "Eggs");
    const loads = transport.loads;
    transport.release(1); // the push of "Milk" is lost
    await vi.waitFor(() => expect(texts(session.document).sort()).toEqual(["Eggs", "Milk"]));
    expect(transport.loads).toBe(loads + 1);
    expect(session.version).toBe(transport.master.version);
  });

  it("S4 a resync whose load fails is retried with backoff and shown in the status", async () => {
    const transport = new FakeTransport(boardWithList());
    const session = open(transport);
    await session.start();
    const statuses: string[] = [];
    session.onChange(() => statuses.push(session.status.kind));
    transport.holdPushes = true;
    transport.failLoads = 2;
    addRemote(transport.master, "Milk");
    addRemote(transport.master, "Eggs");
    const loads = transport.loads;
    transport.release(1);
    await vi.waitFor(() => expect(texts(session.document).sort()).toEqual(["Eggs", "Milk"]));
    expect(transport.loads).toBe(loads + 3);
    expect(statuses).toContain("offline");
    expect(session.status).toEqual({ kind: "saved" });
  });

  it("R4 a refused command is rolled back and explained in an alert; the rest is saved", async () => {
    const noSecrets: Interceptor = (_document, command) =>
      command.props?.text === "secret" ? { reject: "text must not be secret" } : undefined;
    const transport = new FakeTransport(boardWithList(noSecrets));
    const session = open(transport);
    await session.start();
    session.edit("Add items", (tx) => {
      tx.create(boardPath.items("l1"), { text: "secret", done: false }, { parentDefault: {} });
      tx.create(boardPath.items("l1"), { text: "Passport", done: false }, { parentDefault: {} });
    });
    await saved(session);
    expect(texts(session.document)).toEqual(["Passport"]);
    expect(session.alerts.map((a) => a.message)).toEqual(["Not saved: text must not be secret"]);
  });
});

function addRemote(master: Master, text: string) {
  const clientId = `bob-${text}`;
  master.flush(
    {
      clientId,
      batchSeq: 1,
      from: master.version,
      commands: [
        {
          action: "create",
          path: boardPath.items("l1"),
          props: { text, done: false },
          parentDefault: {},
        },
      ],
    },
    {},
  );
}

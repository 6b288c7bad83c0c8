import { beforeAll, expect, it } from "vitest";
import { type Command, Master } from "@/sync";
import { describeEachDatabase } from "../../../../test/databases";
import { BoardStore, type BoardWrite, VersionConflict } from "./BoardStore";
import { GroupCommit } from "./GroupCommit";

const owner = { id: "u-gc", name: "Owner", email: "gc@example.com" };

const addList = (id: string): Command => ({
  action: "create",
  path: ["lists"],
  createdId: id,
  props: { title: id },
});

/** Boards written by these tests: each a master in memory beside its stored history. */
class TestBoard {
  readonly master = new Master({ document: { title: "T", lists: {} } });
  writtenBy: string | null = null;
  constructor(readonly id: string) {}

  /** The next write of `listId` by client `c1`, as the board server would hand it over. */
  write(listId: string, batchSeq: number): BoardWrite {
    const from = this.master.version;
    const before = this.master.document();
    const commands = [{ ...addList(listId), actionId: `${this.id}-${batchSeq}` }];
    const response = this.master.flush({ clientId: "c1", batchSeq, from, commands }, {});
    const completions = response.applied.completions;
    return {
      boardId: this.id,
      fromVersion: from,
      batches: [
        {
          meta: { userId: owner.id, clientId: "c1", batchSeq },
          completions,
          outcome: { batchSeq, from, count: completions.length, mappedPaths: [], errors: [] },
          before,
        },
      ],
      notify: { channel: "rewind_test", payload: `${this.id}:${from + completions.length}` },
      writtenBy: this.writtenBy,
    };
  }
}

describeEachDatabase("GroupCommit", (db) => {
  let store: BoardStore;
  const statements: number[] = [];
  let commits: GroupCommit;
  const newBoards = async (prefix: string, count: number) => {
    const boards = Array.from({ length: count }, (_, i) => new TestBoard(`${prefix}${i}`));
    for (const board of boards)
      await store.createBoard({ ...board, title: "T", ownerId: owner.id });
    return boards;
  };
  const lists = async (boardId: string) => {
    const loaded = await store.load(boardId);
    if (!loaded) throw new Error(`no board ${boardId}`);
    return Object.keys((loaded.document as { lists: object }).lists).sort();
  };

  beforeAll(async () => {
    store = new BoardStore(db().prisma, 5);
    // One statement at a time: whatever arrives while it runs waits and goes out together.
    commits = new GroupCommit(store, db().prisma, { concurrency: 1 }, (n) => statements.push(n));
    await db().prisma.user.create({ data: owner });
  });

  it("writes that arrive while a statement runs share the next one, and each board gets its own answer", async () => {
    const boards = await newBoards("gc-a", 6);
    statements.length = 0;
    const locks = await Promise.all(boards.map((board) => commits.write(board.write("x", 1))));
    // The first went alone; the five that waited for it went in one statement.
    expect(statements).toEqual([1, 5]);
    expect(locks.map((lock) => lock.version)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(new Set(locks.slice(1).map((lock) => lock.writtenBy)).size).toBe(1);
    for (const board of boards) {
      expect(await lists(board.id)).toEqual(["x"]);
      expect(await store.clientOutcomes(board.id, ["c1"])).toEqual(
        new Map([["c1", expect.objectContaining({ batchSeq: 1, count: 1 })]]),
      );
    }
    // Each board's history entry and every version's command row are there.
    const entries = await db().prisma.boardAction.count({
      where: { boardId: { in: boards.map((b) => b.id) } },
    });
    expect(entries).toBe(6);
  });

  it("a board that is no longer as its write expects is refused alone; the others in its statement are written", async () => {
    const boards = await newBoards("gc-b", 4);
    for (const board of boards)
      board.writtenBy = (await commits.write(board.write("x", 1))).writtenBy;
    // Another instance writes the second board meanwhile (its row moves).
    const stale = boards[1] as TestBoard;
    await db().prisma.$executeRaw`UPDATE board SET "updatedAt" = now() WHERE id = ${stale.id}`;
    statements.length = 0;
    const results = await Promise.allSettled(
      boards.map((board) => commits.write(board.write("y", 2))),
    );
    expect(statements).toEqual([1, 3]);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflict);
    expect(await lists(stale.id)).toEqual(["x"]);
    for (const board of [boards[0], boards[2], boards[3]] as TestBoard[]) {
      expect(await lists(board.id)).toEqual(["x", "y"]);
    }
  });

  it("a statement that fails is retried board by board: only the failing board's write is refused", async () => {
    const boards = await newBoards("gc-c", 3);
    for (const board of boards) await commits.write(board.write("x", 1));
    statements.length = 0;
    const first = commits.write((boards[0] as TestBoard).write("y", 2));
    // The second board's write records batch 1 of c1 again: the key refuses it, and with it the
    // whole shared statement.
    const twice = (boards[1] as TestBoard).write("y", 1);
    const results = await Promise.allSettled([
      first,
      commits.write(twice),
      commits.write((boards[2] as TestBoard).write("y", 2)),
    ]);
    expect(statements).toEqual([1, 2, 1, 1]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await lists("gc-c0")).toEqual(["x", "y"]);
    expect(await lists("gc-c1")).toEqual(["x"]);
    expect(await lists("gc-c2")).toEqual(["x", "y"]);
  });

  it("a board whose row another transaction holds is refused at once as a conflict; the others do not wait", async ({
    skip,
  }) => {
    if (db().kind !== "postgresql")
      skip("PGlite has one connection: no other transaction can hold a row");
    const [free, held] = (await newBoards("gc-d", 2)) as [TestBoard, TestBoard];
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = () => {};
    const isHeld = new Promise<void>((resolve) => {
      holding = resolve;
    });
    // Another instance's turn on the second board: its transaction holds the row.
    const other = db().prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM board WHERE id = ${held.id} FOR UPDATE`;
      holding();
      await released;
    });
    await isHeld;
    try {
      const heldWrite = held.write("x", 1);
      const results = await Promise.race([
        store.writeBoards(db().prisma, [free.write("x", 1), heldWrite]),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("the statement waited for the held row")), 5_000),
        ),
      ]);
      expect(results[0]).toMatchObject({ version: 1 });
      expect(results[1]).toBeInstanceOf(VersionConflict);
      expect(await lists(free.id)).toEqual(["x"]);
      release();
      await other;
      // Once the row is free, the same write goes through.
      await expect(store.writeBoards(db().prisma, [heldWrite])).resolves.toMatchObject([
        { version: 1 },
      ]);
    } finally {
      release();
      await other;
    }
  });
});

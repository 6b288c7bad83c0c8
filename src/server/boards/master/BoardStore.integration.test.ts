import { beforeAll, expect, it } from "vitest";
import { type Command, Master, replayCompletions } from "@/sync";
import { describeEachDatabase } from "../../../../test/databases";
import { LocalBoardEvents } from "../live/BoardEvents";
import { BoardService } from "./BoardService";
import { BoardStore, type StoredBatch, VersionConflict } from "./BoardStore";

const owner = { id: "u-owner", name: "Owner", email: "owner@example.com" };

/** Applies a flush on an in-memory master and returns what the store should persist. */
function flush(
  master: Master,
  clientId: string,
  batchSeq: number,
  commands: Command[],
): StoredBatch {
  const before = master.version;
  const document = master.document();
  // Every stored command belongs to an action (SPEC H1): one per batch here.
  const actionId = `${clientId}-${batchSeq}`;
  const grouped = commands.map((command) => ({ ...command, actionId }));
  const response = master.flush({ clientId, batchSeq, from: before, commands: grouped }, {});
  return {
    meta: { userId: owner.id, clientId, batchSeq },
    completions: response.applied.completions,
    outcome: {
      batchSeq,
      from: before,
      count: response.applied.completions.length,
      mappedPaths: response.mappedPaths,
      errors: response.errors,
    },
    before: document,
  };
}

const addList = (id: string): Command => ({
  action: "create",
  path: ["lists"],
  createdId: id,
  props: { title: id },
});

describeEachDatabase("BoardStore", (db) => {
  let store: BoardStore;
  /** Writes batches at `version` in one transaction, as the board server's group commit does. */
  const append = (boardId: string, version: number, batches: StoredBatch[]) =>
    db().prisma.$transaction((tx) => store.write(tx, { boardId, fromVersion: version, batches }));
  const clientOutcome = async (boardId: string, clientId: string) =>
    (await store.clientOutcomes(boardId, [clientId])).get(clientId);
  beforeAll(async () => {
    store = new BoardStore(db().prisma, 5);
    await db().prisma.user.create({ data: owner });
  });

  it("creates a board at version 0 with its title and no lists, owned by its creator", async () => {
    await store.createBoard({ id: "b1", title: "Plans", ownerId: owner.id });
    expect(await store.load("b1")).toEqual({ version: 0, document: { title: "Plans", lists: {} } });
    const member = await db().prisma.boardMember.findFirstOrThrow({ where: { boardId: "b1" } });
    expect(member).toMatchObject({ userId: owner.id, role: "owner" });
    expect(await store.load("missing")).toBeNull();
  });

  it("appends batches in one transaction; loading replays checkpoint + tail to the master's document", async () => {
    await store.createBoard({ id: "b2", title: "T", ownerId: owner.id });
    const master = new Master({ document: { title: "T", lists: {} } });
    let version = 0;
    for (let i = 1; i <= 4; i++) {
      const batches = [
        flush(master, "c1", i, [
          addList(`a${i}`),
          { action: "update", path: ["lists", `a${i}`], props: { done: i } },
        ]),
        flush(master, "c2", i, [addList(`b${i}`), { action: "delete", path: ["nope"] }]),
      ];
      ({ version } = await append("b2", version, batches));
    }
    expect(version).toBe(12);
    expect(await store.load("b2")).toEqual({ version: 12, document: master.document() });
    // Checkpoints at every multiple of 5, even inside a batch, each equal to a replay of history.
    const checkpoints = await db().prisma.boardCheckpoint.findMany({
      where: { boardId: "b2" },
      orderBy: { version: "asc" },
    });
    expect(checkpoints.map((c) => c.version)).toEqual([0, 5, 10]);
    for (const checkpoint of checkpoints) {
      expect(checkpoint.document).toEqual(
        replayCompletions(
          { title: "T", lists: {} },
          master.commandsBetween(0, checkpoint.version) ?? [],
        ),
      );
    }
    expect(await store.readCommands("b2", 0, 12)).toEqual(master.commandsBetween(0, 12));
    expect((await store.documentAt("b2", 3))?.document).toEqual({
      title: "T",
      lists: { a1: { title: "a1", done: 1 }, b1: { title: "b1" } },
    });
  });

  it("keeps each client's last batchSeq and outcome", async () => {
    const outcome = await clientOutcome("b2", "c2");
    expect(outcome).toMatchObject({ batchSeq: 4, from: 11, count: 1 });
    expect(outcome?.errors).toEqual([
      { index: 1, action: "delete", path: ["nope"], message: 'no node at "nope"' },
    ]);
    expect(await clientOutcome("b2", "nobody")).toBeUndefined();
    // Only the latest outcome of each client is kept: a retry only ever concerns that one (F4).
    const rows = await db().prisma.$queryRaw<{ clientId: string; batchSeq: number }[]>`
      SELECT "clientId", "batchSeq" FROM board_batch WHERE "boardId" = 'b2' ORDER BY "clientId"`;
    expect(rows.filter((row) => row.clientId === "c2")).toEqual([{ clientId: "c2", batchSeq: 4 }]);
  });

  it("keeps one outcome per client when one write holds several of its batches", async () => {
    await store.createBoard({ id: "b5", title: "T", ownerId: owner.id });
    const master = new Master({ document: { title: "T", lists: {} } });
    await append("b5", 0, [flush(master, "c1", 1, [addList("a")])]);
    // A client that sent its next two flushes without waiting: one group, one write.
    await append("b5", 1, [
      flush(master, "c1", 2, [addList("b")]),
      flush(master, "c1", 3, [addList("c")]),
    ]);
    const kept = () => db().prisma.$queryRaw<{ batchSeq: number }[]>`
      SELECT "batchSeq" FROM board_batch WHERE "boardId" = 'b5' AND "clientId" = 'c1'`;
    expect(await kept()).toEqual([{ batchSeq: 3 }]);
    await append("b5", 3, [flush(master, "c1", 4, [addList("d")])]);
    expect(await kept()).toEqual([{ batchSeq: 4 }]);
    expect(await clientOutcome("b5", "c1")).toMatchObject({ batchSeq: 4, from: 3, count: 1 });
  });

  it("refuses a stale writer with VersionConflict and writes nothing", async () => {
    await store.createBoard({ id: "b3", title: "T", ownerId: owner.id });
    const master = new Master({ document: { title: "T", lists: {} } });
    await append("b3", 0, [flush(master, "c1", 1, [addList("x")])]);
    const stale = new Master({ document: { title: "T", lists: {} } });
    const error = await append("b3", 0, [flush(stale, "c2", 1, [addList("y")])]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VersionConflict);
    expect(await store.load("b3")).toEqual({ version: 1, document: master.document() });
    expect(await clientOutcome("b3", "c2")).toBeUndefined();
  });

  it("a write outside a transaction goes through only while its writer wrote the row last", async () => {
    await store.createBoard({ id: "b3w", title: "T", ownerId: owner.id });
    const master = new Master({ document: { title: "T", lists: {} } });
    const mine = await store.write(db().prisma, {
      boardId: "b3w",
      fromVersion: 0,
      batches: [flush(master, "c1", 1, [addList("x")])],
    });
    // Another writer records a batch that applied nothing: the version stays, the row moves.
    const other = new Master({ document: master.document(), version: 1 });
    await append("b3w", 1, [flush(other, "c2", 1, [])]);
    const error = await store
      .write(db().prisma, {
        boardId: "b3w",
        fromVersion: 1,
        batches: [flush(master, "c1", 2, [addList("y")])],
        writtenBy: mine.writtenBy,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflict);
    expect((await store.load("b3w"))?.version).toBe(1);
    expect(await clientOutcome("b3w", "c1")).toMatchObject({ batchSeq: 1 });
    // Unchanged since its own write, the writer's next write goes through.
    const again = await store.write(db().prisma, {
      boardId: "b3w",
      fromVersion: 1,
      batches: [flush(master, "c1", 2, [addList("y")])],
    });
    await expect(
      store.write(db().prisma, {
        boardId: "b3w",
        fromVersion: 2,
        batches: [flush(master, "c1", 3, [addList("z")])],
        writtenBy: again.writtenBy,
      }),
    ).resolves.toMatchObject({ version: 3 });
  });

  it("the database itself refuses a second command at the same version", async () => {
    const row = {
      boardId: "b3",
      version: 1,
      action: "delete",
      path: ["x"],
      actionId: "a9",
      userId: owner.id,
      clientId: "c9",
      batchSeq: 1,
    };
    await expect(db().prisma.boardCommand.create({ data: row })).rejects.toThrow();
  });

  it("a board untouched for a while leaves memory, and loads again from the database", async () => {
    const service = new BoardService(db().prisma, new LocalBoardEvents(), { idleMs: 50 });
    await store.createBoard({ id: "idle", title: "Idle", ownerId: owner.id });
    await service.flush(
      "idle",
      { clientId: "c", batchSeq: 1, from: 0, commands: [addList("x")] },
      owner.id,
    );
    expect(service.hotBoards).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(service.hotBoards).toBe(0);
    expect(await service.load("idle")).toEqual({
      version: 1,
      document: { title: "Idle", lists: { x: { title: "x", items: {} } } },
    });
    await service.close();
  });
});

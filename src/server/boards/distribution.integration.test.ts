import type {
  SqlMigrationAwareDriverAdapterFactory,
  SqlQueryable,
} from "@prisma/driver-adapter-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import { openDatabase } from "@/server/db/database";
import { applyMigrations } from "@/server/db/migrate";
import { callerFor, createUsers, newServices, type TestUser } from "../../../test/api";
import { addItem, addList } from "../../../test/board-commands";
import type { Services } from "../services";

/**
 * SCALING.md's plan past one PostgreSQL distributes every board table by `boardId` (Citus): a
 * statement that names its board goes to one shard. This runs the API's board procedures on
 * PGlite with every SQL statement recorded, and checks that each statement on a board table
 * filters on its board, except the few SCALING.md lists as changing (each with its reason).
 */
const BOARD_TABLES = [
  "board_command",
  "board_batch",
  "board_action",
  "board_checkpoint",
  "board_member",
  "board",
];

/** Statements that may span boards, as SCALING.md lists them under "What must change". */
const ACROSS_BOARDS: { why: string; matches: RegExp }[] = [
  {
    why: "board.list: a person's boards, by user (a multi-shard query, or a reference table)",
    matches: /FROM "public"\."board_member".*WHERE \(?"public"\."board_member"\."userId" = \$1/s,
  },
];

/** The driver adapter factory, recording the text of every statement sent through it. */
function recording(
  factory: SqlMigrationAwareDriverAdapterFactory,
  seen: string[],
): SqlMigrationAwareDriverAdapterFactory {
  const watch = <T extends SqlQueryable>(queryable: T): T =>
    new Proxy(queryable, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== "function") return value;
        if (key === "queryRaw" || key === "executeRaw") {
          return (query: { sql: string }) => {
            seen.push(query.sql);
            return value.call(target, query);
          };
        }
        if (key === "startTransaction") {
          return async (...args: unknown[]) => watch(await value.apply(target, args));
        }
        return value.bind(target);
      },
    });
  return new Proxy(factory, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key === "connect") return async () => watch(await value.call(target));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Whether the statement names one board: `"boardId"` compared, or the board row by its id. */
function filtersOnBoard(sql: string): boolean {
  return (
    /"boardId"\s*(=|IN|= ANY)/.test(sql) ||
    /\bb\."boardId"|\bc\."boardId"|\bo\."boardId"|\be\."boardId"|\bs\."boardId"|\bk\."boardId"|\bn\."boardId"/.test(
      sql,
    ) ||
    // (Prisma batches concurrent lookups of one board as `id IN ($1,$2)`.)
    /"board"\."id"\s*(=|IN)\s*\(?\$\d/.test(sql) ||
    /\bboard\.id\s*=\s*\$\d/.test(sql) ||
    /WHERE id = \$\d/.test(sql) ||
    /WHERE id = ANY/.test(sql)
  );
}

const touchesBoardTable = (sql: string) =>
  BOARD_TABLES.some((table) => new RegExp(`\\b"?(public"\\.")?${table}"?\\b(?!_)`).test(sql));

describe("every statement on a board table names its board (distribution by boardId)", () => {
  const seen: string[] = [];
  let base: Database;
  let services: Services;
  let users: TestUser[];

  beforeAll(async () => {
    base = await openDatabase({ kind: "pglite", dataDir: "memory://" });
    await applyMigrations(base.adapterFactory);
    const adapter = recording(base.adapterFactory, seen);
    const prisma = new PrismaClient({ adapter });
    const db: Database = {
      kind: "pglite",
      prisma,
      adapterFactory: adapter,
      // The hot statements through Prisma too, so the recording adapter sees them.
      hot: { query: (statement) => prisma.$queryRaw(statement) },
      close: () => prisma.$disconnect(),
    };
    services = newServices(db, { checkpointEvery: 10 });
    users = await createUsers(db, "Ada", "Bob");
  });

  afterAll(async () => {
    await services.close();
    await services.db.close();
    await base.close();
  });

  it("across flush, load, history, undo, restore, item history, the bin and membership", async () => {
    const [ada, bob] = users as [TestUser, TestUser];
    const as = (user: TestUser) => callerFor(services, user);
    const { id: boardId } = await as(ada).board.create({ title: "Distributed" });
    await as(ada).board.invite({ boardId, email: bob.email, role: "editor" });
    let version = 0;
    for (let i = 0; i < 15; i++) {
      const commands = i === 0 ? [addList("l1")] : [addItem("l1", `i${i}`, `item ${i}`)];
      const answer = await as(i % 2 ? bob : ada).sync.flush({
        boardId,
        clientId: `c${i % 2}`,
        batchSeq: Math.floor(i / 2) + 1,
        from: version,
        commands,
      });
      version = answer.version;
    }
    await as(bob).sync.load({ boardId });
    await as(ada).history.list({ boardId });
    await as(ada).history.list({ boardId, itemId: "i2" });
    await as(ada).history.stateAt({ boardId, version: 5 });
    await as(ada).history.compare({ boardId, from: 3, to: version });
    await as(ada).history.canUndo({ boardId });
    await as(ada).history.undo({ boardId });
    await as(ada).history.redo({ boardId });
    await as(ada).history.restore({ boardId, version: 4 });
    await as(ada).history.deleted({ boardId });
    // Refused or not (it may already be as it was), it reads what a restore reads.
    await as(ada)
      .history.restoreItem({ boardId, itemId: "i2", version: 6 })
      .catch(() => undefined);
    await as(ada).board.members({ boardId });
    await as(ada).board.setRole({ boardId, userId: bob.id, role: "viewer" });
    await as(ada).board.removeMember({ boardId, userId: bob.id });
    await as(ada).board.list();

    const onBoards = seen.filter(touchesBoardTable);
    expect(onBoards.length).toBeGreaterThan(20);
    const unnamed = onBoards.filter(
      (sql) => !filtersOnBoard(sql) && !ACROSS_BOARDS.some((known) => known.matches.test(sql)),
    );
    // Inserts name their board in the row they write (Citus routes them by it).
    const reads = unnamed.filter((sql) => !/^\s*INSERT INTO/i.test(sql));
    expect(reads, "statements on a board table that do not name their board").toEqual([]);
  });
});

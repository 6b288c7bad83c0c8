import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPostgresDatabase, describeEachDatabase } from "../../../test/databases";
import { openDatabase } from "./database";
import {
  applyMigrations,
  createMigration,
  defaultMigrationPaths,
  diffSchemaAgainstMigrations,
  migrationsPending,
} from "./migrate";

const migrationNames = readdirSync(defaultMigrationPaths().migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describeEachDatabase("migrations", (db) => {
  it("records every migration in _prisma_migrations, as prisma migrate deploy does", async () => {
    const rows = await db().prisma.$queryRaw<
      { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[]
    >`SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name`;
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("applies nothing the second time", async () => {
    expect(await applyMigrations(db().adapterFactory)).toEqual([]);
  });

  it("tells pending migrations from none without the schema engine", async () => {
    expect(await migrationsPending(db().prisma)).toBe(false);
    const fresh = await openDatabase({ kind: "pglite", dataDir: "memory://" });
    try {
      expect(await migrationsPending(fresh.prisma)).toBe(true);
      await applyMigrations(fresh.adapterFactory);
      expect(await migrationsPending(fresh.prisma)).toBe(false);
      // A migration recorded as rolled back is pending again.
      await fresh.prisma.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now()
        WHERE migration_name = ${migrationNames.at(-1)}`;
      expect(await migrationsPending(fresh.prisma)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it("creates the tables the app queries", async () => {
    const tables = await db().prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        "user",
        "session",
        "account",
        "verification",
        "board",
        "board_member",
      ]),
    );
    await expect(db().prisma.user.count()).resolves.toBe(0);
  });
});

describe("migration files", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "rewind-migrations-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("match prisma/schema.prisma (no schema change is missing its migration)", async () => {
    expect(await diffSchemaAgainstMigrations()).toBe("");
  });

  it("db:migrate:dev writes the next migration when the schema changes, and none when it does not", async () => {
    const paths = {
      schemaPath: path.join(scratch, "schema.prisma"),
      migrationsDir: path.join(scratch, "migrations"),
    };
    cpSync(defaultMigrationPaths().migrationsDir, paths.migrationsDir, { recursive: true });
    const schema = `datasource db {\n  provider = "postgresql"\n}\n\nmodel Note {\n  id Int @id\n}\n`;
    writeFileSync(paths.schemaPath, schema);

    const folder = await createMigration("add_note", paths, new Date("2030-01-02T03:04:05Z"));
    expect(folder).toBe("20300102030405_add_note");
    const sql = await diffSchemaAgainstMigrations(paths);
    expect(sql).toBe("");
    expect(await createMigration("again", paths)).toBeNull();
    await expect(createMigration("Bad Name!", paths)).rejects.toThrow(/a-z, 0-9 and _/);
  });
});

/**
 * A fresh PGlite database with every migration before the one named `name` applied (through a
 * copy of the migrations folder in `scratch`), and that migration's index: seed it, then apply
 * the rest to see what the migration does to existing rows.
 */
async function databaseBefore(name: string, scratch: string) {
  const upTo = migrationNames.findIndex((folder) => folder.endsWith(`_${name}`));
  expect(upTo).toBeGreaterThan(0);
  const paths = {
    schemaPath: defaultMigrationPaths().schemaPath,
    migrationsDir: path.join(scratch, name),
  };
  cpSync(defaultMigrationPaths().migrationsDir, paths.migrationsDir, { recursive: true });
  for (const folder of migrationNames.slice(upTo))
    rmSync(path.join(paths.migrationsDir, folder), { recursive: true });
  const database = await openDatabase({ kind: "pglite", dataDir: "memory://" });
  await applyMigrations(database.adapterFactory, paths);
  return { database, upTo };
}

describe("upgrading a database with history", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "rewind-upgrade-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("history_entries turns the stored commands into edit entries, one per action, in order", async () => {
    const { database, upTo } = await databaseBefore("history_entries", scratch);
    try {
      const sql = database.prisma.$executeRawUnsafe.bind(database.prisma);
      await sql(`INSERT INTO "user" (id, name, email) VALUES ('u1', 'Ada', 'ada@example.com')`);
      await sql(`INSERT INTO board (id, title, version, "updatedAt") VALUES ('b', 'B', 4, now())`);
      await sql(`INSERT INTO board_command ("boardId", version, action, path, "actionId", label,
          "userId", "clientId", "batchSeq") VALUES
        ('b', 1, 'create', '["lists"]', 'x', 'Add list', 'u1', 'c', 1),
        ('b', 2, 'update', '[]', NULL, NULL, 'u1', 'c', 2),
        ('b', 3, 'update', '[]', NULL, NULL, 'u1', 'c', 2),
        ('b', 4, 'update', '[]', 'y', 'Rename board', 'u1', 'c', 3)`);

      expect(await applyMigrations(database.adapterFactory)).toEqual(migrationNames.slice(upTo));
      const entries = await database.prisma.boardAction.findMany({ orderBy: { seq: "asc" } });
      expect(
        entries.map((e) => [e.actionId, e.kind, e.label, e.fromVersion, e.toVersion, e.undone]),
      ).toEqual([
        ["x", "edit", "Add list", 0, 1, false],
        ["batch-c-2", "edit", "Edit", 1, 3, false],
        ["y", "edit", "Rename board", 3, 4, false],
      ]);
    } finally {
      await database.close();
    }
  });
});

describe("upgrading a database with commands", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "rewind-targets-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("command_targets fills in the list and item each stored command targets", async () => {
    const { database, upTo } = await databaseBefore("command_targets", scratch);
    try {
      const sql = database.prisma.$executeRawUnsafe.bind(database.prisma);
      await sql(`INSERT INTO "user" (id, name, email) VALUES ('u1', 'Ada', 'ada@example.com')`);
      await sql(`INSERT INTO board (id, title, version, "updatedAt") VALUES ('b', 'B', 7, now())`);
      await sql(`INSERT INTO board_command ("boardId", version, action, path, "createdId",
          "actionId", "userId", "clientId", "batchSeq") VALUES
        ('b', 1, 'create', '["lists"]', 'L', 'a', 'u1', 'c', 1),
        ('b', 2, 'create', '["lists", "L", "items"]', 'I', 'a', 'u1', 'c', 1),
        ('b', 3, 'update', '["lists", "L", "items", "I"]', NULL, 'a', 'u1', 'c', 1),
        ('b', 4, 'update', '["lists", "L"]', NULL, 'a', 'u1', 'c', 1),
        ('b', 5, 'update', '[]', NULL, 'a', 'u1', 'c', 1),
        ('b', 6, 'delete', '["lists", "L", "items", "I"]', NULL, 'a', 'u1', 'c', 1),
        ('b', 7, 'delete', '["lists", "L"]', NULL, 'a', 'u1', 'c', 1)`);

      expect(await applyMigrations(database.adapterFactory)).toEqual(migrationNames.slice(upTo));
      const rows = await database.prisma.boardCommand.findMany({ orderBy: { version: "asc" } });
      expect(rows.map((row) => [row.version, row.listId, row.itemId])).toEqual([
        [1, "L", null],
        [2, "L", "I"],
        [3, "L", "I"],
        [4, "L", null],
        [5, null, null],
        [6, "L", "I"],
        [7, "L", null],
      ]);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!inject("postgresUrl"))("migrations racing on one PostgreSQL", () => {
  it("two server instances starting at once apply each migration exactly once", async () => {
    const url = await createPostgresDatabase(inject("postgresUrl") ?? "");
    const [a, b] = await Promise.all([
      openDatabase({ kind: "postgresql", url, poolSize: 2 }),
      openDatabase({ kind: "postgresql", url, poolSize: 2 }),
    ]);
    try {
      const applied = await Promise.all([
        applyMigrations(a.adapterFactory),
        applyMigrations(b.adapterFactory),
      ]);
      expect(applied.flat().sort()).toEqual(migrationNames);
      const rows = await a.prisma.$queryRaw<
        { n: bigint }[]
      >`SELECT count(*) AS n FROM _prisma_migrations`;
      expect(Number(rows[0]?.n)).toBe(migrationNames.length);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

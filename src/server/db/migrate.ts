import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaFilter } from "@prisma/schema-engine-wasm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Db } from "./database";
import { withSchemaEngine } from "./schema-engine";

export interface MigrationPaths {
  schemaPath: string;
  migrationsDir: string;
}

/** Where the schema and migrations live in this repository. */
export function defaultMigrationPaths(root = process.cwd()): MigrationPaths {
  return {
    schemaPath: path.join(root, "prisma", "schema.prisma"),
    migrationsDir: path.join(root, "prisma", "migrations"),
  };
}

const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Reads prisma/migrations the way Prisma's CLI hands it to the schema engine. */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const entries = existsSync(migrationsDir)
    ? await readdir(migrationsDir, { withFileTypes: true })
    : [];
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    folders.map(async (folder) => {
      const file = path.join(migrationsDir, folder, "migration.sql");
      const content = await readFile(file, "utf8").then(
        (value) => ({ tag: "ok" as const, value }),
        (error: Error) => ({ tag: "error" as const, value: error.message }),
      );
      return { path: folder, migrationFile: { path: "migration.sql", content } };
    }),
  );
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

async function readSchema(schemaPath: string) {
  return { path: schemaPath, content: await readFile(schemaPath, "utf8") };
}

/**
 * Whether prisma/migrations holds a migration the database has not finished applying, read from
 * `_prisma_migrations` with one query. A server that starts on an up-to-date database then never
 * loads the schema engine, whose WebAssembly memory would stay in the process for good.
 */
export async function migrationsPending(
  prisma: Db,
  paths: MigrationPaths = defaultMigrationPaths(),
): Promise<boolean> {
  const list = await readMigrationList(paths.migrationsDir);
  const [table] = await prisma.$queryRaw<{ exists: boolean }[]>`
    SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`;
  if (!table?.exists) return list.migrationDirectories.length > 0;
  const rows = await prisma.$queryRaw<{ name: string }[]>`
    SELECT migration_name AS name FROM _prisma_migrations
    WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const applied = new Set(rows.map((row) => row.name));
  return list.migrationDirectories.some((folder) => !applied.has(folder.path));
}

/**
 * Applies every migration in prisma/migrations that the database lacks, recording each in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (either tool can take over later).
 * Returns the names of the migrations it applied.
 */
export async function applyMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  paths: MigrationPaths = defaultMigrationPaths(),
): Promise<string[]> {
  const migrationsList = await readMigrationList(paths.migrationsDir);
  const schema = await readSchema(paths.schemaPath);
  const output = await withSchemaEngine(adapterFactory, schema, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noFilter }),
  );
  return output.appliedMigrationNames;
}

/**
 * The SQL that takes a database from the state of prisma/migrations to prisma/schema.prisma, or
 * "" when they agree. The engine replays the migrations on a throwaway in-memory PGlite.
 */
export async function diffSchemaAgainstMigrations(
  paths: MigrationPaths = defaultMigrationPaths(),
): Promise<string> {
  const migrationsList = await readMigrationList(paths.migrationsDir);
  const schema = await readSchema(paths.schemaPath);
  const scratch = await PGlite.create("memory://");
  try {
    const result = await withSchemaEngine(new PrismaPGlite(scratch), schema, (engine) =>
      engine.diff({
        from:
          migrationsList.migrationDirectories.length === 0
            ? { tag: "empty" }
            : { tag: "migrations", ...migrationsList },
        to: { tag: "schemaDatamodel", files: [schema] },
        script: true,
        exitCode: true,
        filters: noFilter,
      }),
    );
    // exitCode 2 means "there is a difference"; 0 means the schema matches the migrations.
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  } finally {
    await scratch.close();
  }
}

/**
 * Writes the next migration (`<timestamp>_<name>/migration.sql`) if the schema changed.
 * Returns the folder name, or null when there was nothing to write.
 */
export async function createMigration(
  name: string,
  paths: MigrationPaths = defaultMigrationPaths(),
  now = new Date(),
): Promise<string | null> {
  if (!/^[a-z0-9_]{1,64}$/.test(name)) {
    throw new Error("Migration name must be 1-64 characters of a-z, 0-9 and _");
  }
  const sql = await diffSchemaAgainstMigrations(paths);
  if (sql.trim() === "" || /^-- This is an empty migration\.$/.test(sql.trim())) return null;
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = `${stamp}_${name}`;
  await mkdir(path.join(paths.migrationsDir, folder), { recursive: true });
  await writeFile(path.join(paths.migrationsDir, folder, "migration.sql"), sql);
  const lockPath = path.join(paths.migrationsDir, "migration_lock.toml");
  if (!existsSync(lockPath)) {
    await writeFile(
      lockPath,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  }
  return folder;
}

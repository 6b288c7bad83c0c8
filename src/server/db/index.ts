import { log } from "../observability/log";
import { configuredDatabase } from "./configured";
import { type Database, openDatabase } from "./database";
import { applyMigrations, migrationsPending } from "./migrate";
import { migrateInProcess, pgliteIsFresh } from "./migrate-in-process";

/**
 * Opens the configured database and applies pending migrations. With `migrationEntry` (the
 * server's entry file) migrations and PGlite's first initdb run in child processes started on it
 * (see migrate-in-process.ts); without it they run in this process. Called once, at start.
 */
export async function openMigratedDatabase(migrationEntry?: string): Promise<Database> {
  const config = configuredDatabase();
  const applied: string[] = [];
  if (migrationEntry && pgliteIsFresh(config)) {
    applied.push(...(await migrateInProcess(migrationEntry, config)));
  }
  let database = await openDatabase(config);
  if (await migrationsPending(database.prisma)) {
    if (!migrationEntry) {
      applied.push(...(await applyMigrations(database.adapterFactory)));
    } else if (config.kind === "pglite") {
      await database.close(); // a PGlite folder is open in one place at a time
      applied.push(...(await migrateInProcess(migrationEntry, config)));
      database = await openDatabase(config);
    } else {
      applied.push(...(await migrateInProcess(migrationEntry, config)));
    }
  }
  if (applied.length > 0) log.info({ db: database.kind, applied }, "migrations applied");
  return database;
}

export type { Database, DatabaseKind, Db } from "./database";

import { log } from "../observability/log";
import { configuredDatabase } from "./configured";
import { type Database, openDatabase } from "./database";
import { applyMigrations, migrationsPending } from "./migrate";
import { migrateInProcess, pgliteIsFresh } from "./migrate-in-process";

// One database per process, kept on globalThis: Next may load this module more than once (dev
// reloads, separate bundles for instrumentation and routes), and PGlite must never open its
// folder twice.
const globalForDb = globalThis as {
  __rewindDatabase?: Promise<Database>;
  __rewindMigrationEntry?: string;
};

/**
 * Has migrations (and PGlite's first initdb) run in child processes started on `entry`, the
 * server's entry file: see migrate-in-process.ts. Without it they run in this process.
 */
export function migrateInProcessesOf(entry: string): void {
  globalForDb.__rewindMigrationEntry = entry;
}

/** The process's database, opened and migrated on first use. */
export function getDatabase(): Promise<Database> {
  globalForDb.__rewindDatabase ??= openMigrated().catch((error: unknown) => {
    globalForDb.__rewindDatabase = undefined; // let the next request try again
    throw error;
  });
  return globalForDb.__rewindDatabase;
}

async function openMigrated(): Promise<Database> {
  const config = configuredDatabase();
  const entry = globalForDb.__rewindMigrationEntry;
  const applied: string[] = [];
  if (entry && pgliteIsFresh(config)) applied.push(...(await migrateInProcess(entry, config)));
  let database = await openDatabase(config);
  if (await migrationsPending(database.prisma)) {
    if (!entry) {
      applied.push(...(await applyMigrations(database.adapterFactory)));
    } else if (config.kind === "pglite") {
      await database.close(); // a PGlite folder is open in one place at a time
      applied.push(...(await migrateInProcess(entry, config)));
      database = await openDatabase(config);
    } else {
      applied.push(...(await migrateInProcess(entry, config)));
    }
  }
  if (applied.length > 0) log.info({ db: database.kind, applied }, "migrations applied");
  return database;
}

export type { Database, DatabaseKind, Db } from "./database";

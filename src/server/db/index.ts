import { log } from "../observability/log";
import { openConfiguredDatabase } from "./configured";
import type { Database } from "./database";
import { applyMigrations, migrationsPending } from "./migrate";

// One database per process, kept on globalThis: Next may load this module more than once (dev
// reloads, separate bundles for instrumentation and routes), and PGlite must never open its
// folder twice.
const globalForDb = globalThis as { __rewindDatabase?: Promise<Database> };

/** The process's database, opened and migrated on first use. */
export function getDatabase(): Promise<Database> {
  globalForDb.__rewindDatabase ??= (async () => {
    const database = await openConfiguredDatabase();
    if (!(await migrationsPending(database.prisma))) return database;
    const applied = await applyMigrations(database.adapterFactory);
    if (applied.length > 0) log.info({ db: database.kind, applied }, "migrations applied");
    return database;
  })().catch((error: unknown) => {
    globalForDb.__rewindDatabase = undefined; // let the next request try again
    throw error;
  });
  return globalForDb.__rewindDatabase;
}

export type { Database, DatabaseKind, Db } from "./database";

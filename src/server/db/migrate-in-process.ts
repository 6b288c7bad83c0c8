import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { DatabaseConfig } from "./database";
import { openDatabase } from "./database";
import { applyMigrations, migrationsPending } from "./migrate";

// Migrations run in a short-lived child process. The schema engine is WebAssembly, and a
// WebAssembly memory never shrinks: applied in the server's own process, it stayed there for good,
// and PGlite's initdb on a fresh folder left about 120 MB more. A worker thread was not enough:
// what it had allocated stayed in the C allocator's arena after it exited. When a process exits,
// all of it goes back to the system.

/** The argument that starts the server's entry (src/server/main.ts) as a migration process. */
export const MIGRATE_MODE = "migrate";

/**
 * Applies `config`'s pending migrations in a child process running `entry` (this process's entry
 * file, in its `migrate` mode: the same file in development, under the same loader, and once
 * built). Returns what it applied.
 */
export function migrateInProcess(entry: string, config: DatabaseConfig): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = fork(entry, [MIGRATE_MODE], {
      // The same loader as this process (tsx in development), without its profiler or inspector:
      // a second profile would land beside the server's, a second inspector on its port.
      execArgv: process.execArgv.filter((arg) => !/^--(cpu-prof|heap-prof|inspect)/.test(arg)),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let applied: string[] | null = null;
    child.once("message", (names) => {
      applied = names as string[];
    });
    child.once("spawn", () => child.send(config));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (applied) resolve(applied);
      else reject(new Error(`the migration process exited with code ${code} before finishing`));
    });
  });
}

/** The child's side: takes the config, applies what is pending, closes, reports, exits. */
export function runMigrationProcess(): void {
  process.once("message", async (config: DatabaseConfig) => {
    const database = await openDatabase(config);
    try {
      const applied = (await migrationsPending(database.prisma))
        ? await applyMigrations(database.adapterFactory)
        : [];
      process.send?.(applied);
    } finally {
      await database.close();
      process.disconnect?.();
    }
  });
}

/** Whether a PGlite folder was never initialised (its first open runs initdb). */
export function pgliteIsFresh(config: DatabaseConfig): boolean {
  return (
    config.kind === "pglite" &&
    !config.dataDir.includes("://") &&
    !existsSync(path.join(config.dataDir, "PG_VERSION"))
  );
}

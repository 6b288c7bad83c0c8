import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { type Database, openDatabase } from "@/server/db/database";
import { applyMigrations } from "@/server/db/migrate";

/** A fresh, empty database on the test PostgreSQL server; returns its URL. */
export async function createPostgresDatabase(adminUrl: string): Promise<string> {
  const name = `rewind_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, migrated database of the given kind. */
export async function openTestDatabase(kind: Database["kind"]): Promise<Database> {
  const adminUrl = inject("postgresUrl");
  const database =
    kind === "pglite"
      ? await openDatabase({ kind: "pglite", dataDir: "memory://" })
      : await openDatabase({
          kind: "postgresql",
          url: await createPostgresDatabase(adminUrl ?? ""),
          poolSize: 5,
        });
  await applyMigrations(database.adapterFactory);
  return database;
}

/**
 * Declares the suite once per database (PGlite and PostgreSQL), each on its own fresh, migrated
 * database. When no PostgreSQL is available its suite is declared skipped, with the reason in its
 * name, so the report says plainly what did not run.
 */
export function describeEachDatabase(name: string, suite: (db: () => Database) => void): void {
  for (const kind of ["pglite", "postgresql"] as const) {
    const skipReason = kind === "postgresql" ? inject("postgresSkipReason") : null;
    if (skipReason) {
      describe.skip(`${name} [${kind}] (skipped: ${skipReason})`, () => suite(unavailable));
      continue;
    }
    describe(`${name} [${kind}]`, () => {
      let database: Database | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(kind);
      });
      afterAll(async () => {
        await database?.close();
      });
      suite(() => {
        if (!database) throw new Error(`${kind} test database is not open`);
        return database;
      });
    });
  }
}

function unavailable(): never {
  throw new Error("database unavailable");
}

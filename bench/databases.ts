import { type Database, openDatabase } from "../src/server/db/database";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";

/**
 * Runs `bench` on PGlite (in memory) and then on a throwaway PostgreSQL cluster (or
 * TEST_DATABASE_URL), each call of `open` giving a fresh, empty database of that kind.
 */
export async function onEachDatabase(
  bench: (label: string, open: () => Promise<Database>) => Promise<void>,
): Promise<void> {
  await bench("PGlite (embedded)", () => openDatabase({ kind: "pglite", dataDir: "memory://" }));
  const bin = findPostgresBin();
  if (!bin && !process.env.TEST_DATABASE_URL) {
    console.log("\nPostgreSQL: skipped (no server binaries installed and TEST_DATABASE_URL unset)");
    return;
  }
  const cluster = process.env.TEST_DATABASE_URL ? null : await startPostgresCluster(bin as string);
  const url = process.env.TEST_DATABASE_URL ?? (cluster?.url as string);
  try {
    const { createPostgresDatabase } = await import("../test/databases");
    await bench("PostgreSQL", async () =>
      openDatabase({ kind: "postgresql", url: await createPostgresDatabase(url), poolSize: 10 }),
    );
  } finally {
    cluster?.stop();
  }
}

import type { TestProject } from "vitest/node";
import { findPostgresBin, startPostgresCluster } from "./postgres-cluster";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL the integration suites use, or null. */
    postgresUrl: string | null;
    /** Why the PostgreSQL suites are skipped, when postgresUrl is null. */
    postgresSkipReason: string | null;
  }
}

/**
 * Gives integration suites a real PostgreSQL: TEST_DATABASE_URL when set, otherwise a throwaway
 * cluster started from the installed server binaries and stopped afterwards.
 */
export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide("postgresUrl", given);
    project.provide("postgresSkipReason", null);
    return;
  }
  const bin = findPostgresBin();
  if (!bin) {
    const reason =
      "no PostgreSQL server binaries (initdb, pg_ctl) are installed and TEST_DATABASE_URL is not set";
    console.warn(`\n[integration] PostgreSQL suites SKIPPED: ${reason}\n`);
    project.provide("postgresUrl", null);
    project.provide("postgresSkipReason", reason);
    return;
  }
  const cluster = await startPostgresCluster(bin);
  console.log(`[integration] throwaway PostgreSQL from ${bin} at ${cluster.url}`);
  project.provide("postgresUrl", cluster.url);
  project.provide("postgresSkipReason", null);
  return () => cluster.stop();
}

import { mkdirSync } from "node:fs";
import path from "node:path";
import { env } from "../env";
import { type Database, type DatabaseConfig, openDatabase } from "./database";

/** DATABASE_URL selects PostgreSQL; otherwise PGlite keeps its data in DATA_DIR/pglite. */
export function configuredDatabase(): DatabaseConfig {
  const { DATABASE_URL, DATABASE_POOL_SIZE, DATA_DIR } = env();
  if (DATABASE_URL) return { kind: "postgresql", url: DATABASE_URL, poolSize: DATABASE_POOL_SIZE };
  const dataDir = path.resolve(DATA_DIR, "pglite");
  mkdirSync(dataDir, { recursive: true });
  return { kind: "pglite", dataDir };
}

export function openConfiguredDatabase(): Promise<Database> {
  return openDatabase(configuredDatabase());
}

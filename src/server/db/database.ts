import { createHash } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { Prisma, PrismaClient } from "@/generated/prisma/client";
import { log } from "../observability/log";
import type { HotStatements } from "./hot-statements";
import { KeptPlans } from "./kept-plans";
import { NamedStatements } from "./named-statements";

export type DatabaseKind = "pglite" | "postgresql";

/** The client or an open interactive transaction: reads work in both. */
export type Db = PrismaClient | Prisma.TransactionClient;

export type DatabaseConfig =
  | { kind: "pglite" /** A folder, or `memory://` for a throwaway database. */; dataDir: string }
  | { kind: "postgresql"; url: string; poolSize?: number };

/** One open database: the Prisma client and the driver adapter it runs on. */
export interface Database {
  readonly kind: DatabaseKind;
  /** PostgreSQL only: the connection URL (for LISTEN/NOTIFY on a dedicated connection). */
  readonly url?: string;
  readonly prisma: PrismaClient;
  /**
   * The adapter migrations run through. On PostgreSQL each of its connections opens a pool of
   * its own, as the schema engine expects (it holds connections for the whole run); the client
   * and the hot statements share another.
   */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /**
   * Hot statements (the board write) run by the driver itself, outside any transaction, with
   * their plan kept: PGlite's through functions (KeptPlans), PostgreSQL's as named statements.
   */
  readonly hot: HotStatements;
  close(): Promise<void>;
}

/**
 * Marks a hot statement (write it as `${PREPARED} SELECT ...`): on PostgreSQL each connection
 * plans it once and reuses the plan. The board write's plan costs about 1 ms, five times its
 * execution. Only marked statements are kept, so the per-connection cache stays small.
 */
export const PREPARED = Prisma.raw("/* prepared */");

/** The statement's name: marked ones by their text, others "" (pg's unnamed statement). */
function preparedStatementName(query: { sql: string }): string {
  if (!query.sql.startsWith("/* prepared */")) return "";
  return statementName(query.sql);
}

/** Marked statements' names by text: hashed once per text (a few texts, each run per flush). */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `rewind_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Opens PGlite (in-process PostgreSQL, data in a folder) or a pooled PostgreSQL connection.
 * Both speak the same SQL, so one Prisma schema and one set of migrations serve both.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === "pglite") {
    // PostgreSQL's default 128 MB of shared buffers is sized for a server of its own; embedded,
    // they sit in this process's memory, and a board's working set is a few pages.
    const pglite = await PGlite.create(config.dataDir, { postgresqlconf: "shared_buffers = 32MB" });
    const adapterFactory = new PrismaPGlite(pglite);
    const prisma = new PrismaClient({ adapter: adapterFactory });
    return {
      kind: "pglite",
      prisma,
      adapterFactory,
      hot: new KeptPlans(pglite),
      async close() {
        await prisma.$disconnect();
        await pglite.close();
      },
    };
  }
  // One pool for the Prisma client and the hot statements it does not run (NamedStatements).
  const poolConfig: pg.PoolConfig = {
    connectionString: config.url,
    max: config.poolSize ?? 10,
    // A marked statement is planned once per connection, for any values: left to choose,
    // PostgreSQL kept planning the board write for each execution's values (its bind took
    // 0.34 ms, more than executing it, 0.26 ms). Unmarked statements are unnamed and planned
    // each time whatever this says.
    options: "-c plan_cache_mode=force_generic_plan",
  };
  const naming = { statementNameGenerator: preparedStatementName };
  const pool = new pg.Pool(poolConfig);
  // A connection the server dropped while idle (a restart, a failover) is left to the pool, which
  // opens another; without a listener its error would end the process.
  pool.on("error", (error) => log.warn({ err: error }, "an idle database connection failed"));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, naming) });
  const adapterFactory = new PrismaPg(poolConfig, naming);
  return {
    kind: "postgresql",
    url: config.url,
    prisma,
    adapterFactory,
    hot: new NamedStatements(pool, statementName),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

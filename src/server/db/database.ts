import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { type Prisma, PrismaClient } from "@/generated/prisma/client";

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
  /** The same adapter the client uses; migrations run through it too. */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

/**
 * Opens PGlite (in-process PostgreSQL, data in a folder) or a pooled PostgreSQL connection.
 * Both speak the same SQL, so one Prisma schema and one set of migrations serve both.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === "pglite") {
    const pglite = await PGlite.create(config.dataDir);
    const adapterFactory = new PrismaPGlite(pglite);
    const prisma = new PrismaClient({ adapter: adapterFactory });
    return {
      kind: "pglite",
      prisma,
      adapterFactory,
      async close() {
        await prisma.$disconnect();
        await pglite.close();
      },
    };
  }
  const adapterFactory = new PrismaPg({
    connectionString: config.url,
    max: config.poolSize ?? 10,
  });
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    kind: "postgresql",
    url: config.url,
    prisma,
    adapterFactory,
    async close() {
      await prisma.$disconnect();
    },
  };
}

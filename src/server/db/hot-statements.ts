import type { Prisma } from "@/generated/prisma/client";

/**
 * Runs a hot statement (as `$queryRaw` would, outside a transaction) straight through the driver,
 * with its plan kept: PGlite's through functions (KeptPlans), PostgreSQL's as named statements
 * (NamedStatements). Every parameter of such a statement carries its type (`${value}::int[]`).
 */
export interface HotStatements {
  query<T>(statement: Prisma.Sql): Promise<T[]>;
}

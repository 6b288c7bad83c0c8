import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { createPostgresDatabase, describeEachDatabase } from "../../../test/databases";
import { until } from "../../../test/until";
import { openDatabase } from "./database";

describeEachDatabase("hot statements (Database.hot)", (db) => {
  // Every kind of value the statement builder sends (sql-columns), each parameter typed.
  const statement = (texts: (string | null)[], ints: number[], flags: boolean[], at: string) =>
    Prisma.sql`/* prepared */ SELECT ${texts}::text[] AS texts, ${ints}::int[] AS ints,
      ${flags}::boolean[] AS flags, ${at}::timestamp(3)::text AS at,
      (${texts}::text[])[1]::jsonb AS json, ${ints[0] ?? null}::int + 1 AS "nextInt"`;
  const awkward = ['{"a":"it\'s \\"quoted\\" \\\\ {x,y}"}', null, "", "NULL", "é ✓"];

  it("answer as Prisma's raw query does, with values of every type the board write sends", async () => {
    const query = statement(
      awkward,
      [1, -2, 2_147_483_647],
      [true, false],
      "2026-12-06T16:00:00.123Z",
    );
    const hot = await db().hot.query<Record<string, unknown>>(query);
    expect(hot).toEqual(await db().prisma.$queryRaw(query));
    expect(hot).toEqual([
      {
        texts: awkward,
        ints: [1, -2, 2_147_483_647],
        flags: [true, false],
        at: "2026-12-06 16:00:00.123",
        json: { a: 'it\'s "quoted" \\ {x,y}' },
        nextInt: 2,
      },
    ]);
  });

  it("run the same text again with other values (a kept plan or a named statement, reused)", async () => {
    for (let i = 0; i < 3; i++) {
      const [row] = await db().hot.query<{ nextInt: number; texts: string[] }>(
        statement([`{"n":${i}}`], [i], [], "2026-01-01T00:00:00.000Z"),
      );
      expect(row).toMatchObject({ nextInt: i + 1, texts: [`{"n":${i}}`] });
    }
  });

  it("refuse bad input with the database's error and keep serving", async () => {
    await expect(
      db().hot.query(statement(["not json"], [1], [], "2026-01-01T00:00:00.000Z")),
    ).rejects.toThrow(/json/i);
    const [row] = await db().hot.query<{ nextInt: number }>(
      statement(["{}"], [41], [], "2026-01-01T00:00:00.000Z"),
    );
    expect(row?.nextInt).toBe(42);
  });
});

describe.skipIf(!inject("postgresUrl"))("hot statements on PostgreSQL", () => {
  it("survive the server dropping the pool's idle connections: the next statement opens another", async () => {
    const url = await createPostgresDatabase(inject("postgresUrl") ?? "");
    // Only hot statements: the Prisma client never connects, so no listener of its own is on the pool.
    const db = await openDatabase({ kind: "postgresql", url, poolSize: 2 });
    const one = Prisma.sql`/* prepared */ SELECT ${1}::int AS n, pg_backend_pid() AS pid`;
    try {
      const [before] = await db.hot.query<{ pid: number }>(one);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE pid = $1",
          [before?.pid],
        );
        expect(rows).toEqual([{ done: true }]);
      } finally {
        await admin.end();
      }
      // The pool hears of the dropped connection on its own; a statement that met it first fails.
      let after: { n: number; pid: number } | undefined;
      await until(async () => {
        [after] = await db.hot.query<{ n: number; pid: number }>(one).catch(() => []);
        return after !== undefined;
      }, 15_000);
      expect(after?.n).toBe(1);
      expect(after?.pid).not.toBe(before?.pid);
    } finally {
      await db.close();
    }
  });
});

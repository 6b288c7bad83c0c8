import { expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { describeEachDatabase } from "../../../test/databases";

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

import { afterAll, beforeAll, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { createUsers, type TestUser } from "../../../test/api";
import { openTestDatabase } from "../../../test/databases";
import { LocalBoardEvents } from "../boards/live/BoardEvents";
import { BoardService } from "../boards/master/BoardService";
import type { Database } from "./database";

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase("pglite");
});
afterAll(() => db.close());

const keptFunctions = async () =>
  (
    await db.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM pg_proc WHERE proname LIKE 'rewind_plan_%'`
  )[0]?.count;

it("PGlite: a statement runs through a function made once for its text, with its values", async () => {
  const plans = db.hot;
  const sum = (a: number, b: string[]) =>
    Prisma.sql`SELECT ${a}::int + 1 AS n, array_length(${b}::text[], 1) AS len, 'x' AS "camelCase"`;
  expect(await plans.query(sum(1, ["a"]))).toEqual([{ n: 2, len: 1, camelCase: "x" }]);
  expect(await plans.query(sum(41, ["a", "b", "c"]))).toEqual([{ n: 42, len: 3, camelCase: "x" }]);
  expect(await keptFunctions()).toBe(1);
});

it("PGlite: the board write goes through its kept plan, and flushes apply as before", async () => {
  const [owner] = (await createUsers(db, "kept-plan-owner")) as [TestUser];
  const service = new BoardService(db.prisma, new LocalBoardEvents(), { hot: db.hot });
  await service.create({ id: "kept", title: "Kept", ownerId: owner.id });
  const before = await keptFunctions();
  let from = 0;
  for (let batchSeq = 1; batchSeq <= 3; batchSeq++) {
    const title = `L${batchSeq}`;
    const command = { action: "create" as const, path: ["lists"], props: { title, order: title } };
    const answer = await service.flush(
      "kept",
      { clientId: "c", batchSeq, from, commands: [command] },
      owner.id,
    );
    expect(answer.errors).toEqual([]);
    from = answer.version;
  }
  expect(await keptFunctions()).toBe((before ?? 0) + 1);
  await service.close();
  const reloaded = new BoardService(db.prisma, new LocalBoardEvents());
  expect((await reloaded.load("kept")).version).toBe(3);
  await reloaded.close();
});

import { TRPCError } from "@trpc/server";
import { beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../../../../test/databases";
import type { AuthSession } from "../../auth";
import { createInnerContext } from "../context";
import { createCaller } from "../root";

function sessionFor(user: { id: string; name: string; email: string }): AuthSession {
  const now = new Date();
  return {
    user: { ...user, emailVerified: false, image: null, createdAt: now, updatedAt: now },
    session: {
      id: `session-${user.id}`,
      userId: user.id,
      token: `token-${user.id}`,
      expiresAt: new Date(now.getTime() + 60_000),
      createdAt: now,
      updatedAt: now,
      ipAddress: null,
      userAgent: null,
    },
  };
}

describeEachDatabase("board.list", (db) => {
  const ada = { id: "user-ada", name: "Ada", email: "ada@example.com" };
  const bob = { id: "user-bob", name: "Bob", email: "bob@example.com" };

  beforeAll(async () => {
    const { prisma } = db();
    await prisma.user.createMany({ data: [ada, bob] });
    await prisma.board.create({
      data: {
        id: "b-1",
        title: "Groceries",
        version: 3,
        members: { create: { userId: ada.id, role: "owner" } },
      },
    });
    await prisma.board.create({
      data: {
        id: "b-2",
        title: "Launch",
        members: {
          create: [
            { userId: bob.id, role: "owner" },
            { userId: ada.id, role: "viewer" },
          ],
        },
      },
    });
  });

  it("rejects anonymous callers with UNAUTHORIZED", async () => {
    const caller = createCaller(createInnerContext({ db: db(), session: null }));
    const error = await caller.board.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("UNAUTHORIZED");
  });

  it("lists only the caller's boards, with their role, newest change first", async () => {
    const caller = createCaller(createInnerContext({ db: db(), session: sessionFor(ada) }));
    const boards = await caller.board.list();
    expect(boards.map(({ id, title, role }) => ({ id, title, role }))).toEqual([
      { id: "b-2", title: "Launch", role: "viewer" },
      { id: "b-1", title: "Groceries", role: "owner" },
    ]);
    expect(boards[1]?.version).toBe(3);
    expect(boards[0]?.updatedAt).toBeInstanceOf(Date);

    const bobs = await createCaller(
      createInnerContext({ db: db(), session: sessionFor(bob) }),
    ).board.list();
    expect(bobs.map((b) => b.id)).toEqual(["b-2"]);
  });
});

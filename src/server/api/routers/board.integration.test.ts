import { afterAll, beforeAll, expect, it } from "vitest";
import type { Services } from "@/server/services";
import { callerFor, codeOf, createUsers, newServices, type TestUser } from "../../../../test/api";
import { describeEachDatabase } from "../../../../test/databases";

describeEachDatabase("board router", (db) => {
  let services: Services;
  let ada: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  beforeAll(async () => {
    services = newServices(db());
    [ada, bob, eve] = (await createUsers(db(), "ada", "bob", "eve")) as [
      TestUser,
      TestUser,
      TestUser,
    ];
  });
  afterAll(() => services.close());
  const as = (user: TestUser | null) => callerFor(services, user);

  it("rejects anonymous callers with UNAUTHORIZED", async () => {
    expect(await codeOf(as(null).board.list())).toBe("UNAUTHORIZED");
    expect(await codeOf(as(null).board.create({ title: "x" }))).toBe("UNAUTHORIZED");
  });

  it("create makes the caller owner of a board at version 0; list shows only the caller's boards", async () => {
    const { id } = await as(ada).board.create({ title: "  Groceries  " });
    expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    const list = await as(ada).board.list();
    expect(list).toEqual([
      { id, title: "Groceries", role: "owner", version: 0, updatedAt: expect.any(Date) },
    ]);
    expect(await as(ada).sync.load({ boardId: id })).toEqual({
      version: 0,
      document: { title: "Groceries", lists: {} },
    });
    expect(await as(bob).board.list()).toEqual([]);
  });

  it("create refuses an empty or over-long title, naming the field and the limit", async () => {
    await expect(as(ada).board.create({ title: "x".repeat(201) })).rejects.toThrow(
      "title: must be at most 200 characters",
    );
    await expect(as(ada).board.create({ title: "   " })).rejects.toThrow(
      "title: must not be empty",
    );
  });

  it("invite: owner only, existing accounts only; members lists everyone with their role", async () => {
    const { id } = await as(ada).board.create({ title: "Launch" });
    expect(await as(ada).board.invite({ boardId: id, email: bob.email, role: "editor" })).toEqual({
      ok: true,
    });
    expect(
      await codeOf(as(bob).board.invite({ boardId: id, email: eve.email, role: "viewer" })),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(as(eve).board.invite({ boardId: id, email: eve.email, role: "viewer" })),
    ).toBe("NOT_FOUND");
    await expect(
      as(ada).board.invite({ boardId: id, email: "nobody@example.com", role: "viewer" }),
    ).rejects.toThrow(/No Rewind account uses nobody@example.com/);
    await expect(
      as(ada).board.invite({ boardId: id, email: "not-an-email", role: "viewer" }),
    ).rejects.toThrow("email: must be an email address");
    const members = await as(bob).board.members({ boardId: id });
    expect(members.map(({ name, role }) => ({ name, role }))).toEqual([
      { name: "ada", role: "owner" },
      { name: "bob", role: "editor" },
    ]);
    expect(await codeOf(as(eve).board.members({ boardId: id }))).toBe("NOT_FOUND");
    expect((await as(bob).board.list()).map((b) => b.role)).toEqual(["editor"]);
  });
});

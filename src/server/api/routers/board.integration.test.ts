import { afterAll, beforeAll, expect, it } from "vitest";
import { LocalBoardEvents } from "@/server/boards/live/BoardEvents";
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

  it("setRole and removeMember: owner only, members only, never the last owner, bad input named", async () => {
    const { id: boardId } = await as(ada).board.create({ title: "Team" });
    await as(ada).board.invite({ boardId, email: bob.email, role: "editor" });
    await as(ada).board.invite({ boardId, email: eve.email, role: "viewer" });
    expect(await codeOf(as(bob).board.setRole({ boardId, userId: eve.id, role: "editor" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(as(bob).board.removeMember({ boardId, userId: eve.id }))).toBe("FORBIDDEN");
    expect(await as(ada).board.setRole({ boardId, userId: bob.id, role: "viewer" })).toEqual({
      ok: true,
    });
    await expect(
      as(ada).board.setRole({ boardId, userId: ada.id, role: "viewer" }),
    ).rejects.toThrow("The board's last owner cannot give up ownership");
    await expect(as(ada).board.removeMember({ boardId, userId: ada.id })).rejects.toThrow(
      "The board's last owner cannot leave it",
    );
    expect(await codeOf(as(ada).board.removeMember({ boardId, userId: "nobody" }))).toBe(
      "NOT_FOUND",
    );
    await expect(
      as(ada).board.setRole({ boardId, userId: eve.id, role: "owner" as "editor" }),
    ).rejects.toThrow(/^role: /);
    await expect(as(ada).board.removeMember({ boardId, userId: "" })).rejects.toThrow(
      "userId: must not be empty",
    );
    expect(await as(ada).board.removeMember({ boardId, userId: eve.id })).toEqual({ ok: true });
    const members = await as(ada).board.members({ boardId });
    expect(members.map(({ name, role }) => ({ name, role }))).toEqual([
      { name: "ada", role: "owner" },
      { name: "bob", role: "viewer" },
    ]);
    expect(await codeOf(as(eve).board.members({ boardId }))).toBe("NOT_FOUND");
  });

  it("a role kept in memory is dropped on every instance as soon as the board's members change", async () => {
    // Two instances on one database, hearing each other (as LISTEN/NOTIFY does across processes).
    const bus = new LocalBoardEvents();
    const [one, two] = [newServices(db(), { events: bus }), newServices(db(), { events: bus })];
    try {
      const { id: boardId } = await callerFor(one, ada).board.create({ title: "Roles" });
      // Both instances learn (and keep) that Eve is not a member.
      expect(await codeOf(callerFor(one, eve).sync.load({ boardId }))).toBe("NOT_FOUND");
      expect(await codeOf(callerFor(two, eve).sync.load({ boardId }))).toBe("NOT_FOUND");
      await callerFor(one, ada).board.invite({ boardId, email: eve.email, role: "viewer" });
      expect((await callerFor(two, eve).sync.load({ boardId })).version).toBe(0);
      expect(
        await codeOf(
          callerFor(two, eve).sync.flush({
            boardId,
            clientId: "e",
            batchSeq: 1,
            from: 0,
            commands: [],
          }),
        ),
      ).toBe("FORBIDDEN");
      await callerFor(two, ada).board.invite({ boardId, email: eve.email, role: "editor" });
      const answer = await callerFor(one, eve).sync.flush({
        boardId,
        clientId: "e",
        batchSeq: 1,
        from: 0,
        commands: [],
      });
      expect(answer.version).toBe(0);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

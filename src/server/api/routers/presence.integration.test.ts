import { afterAll, beforeAll, expect, it } from "vitest";
import type { Services } from "@/server/services";
import { callerFor, createUsers, newServices, type TestUser } from "../../../../test/api";
import { describeEachDatabase } from "../../../../test/databases";

describeEachDatabase("presence", (db) => {
  let services: Services;
  let ada: TestUser;
  let bob: TestUser;
  let boardId: string;
  beforeAll(async () => {
    services = newServices(db());
    [ada, bob] = (await createUsers(db(), "ada", "bob")) as [TestUser, TestUser];
    ({ id: boardId } = await callerFor(services, ada).board.create({ title: "P" }));
    await callerFor(services, ada).board.invite({ boardId, email: bob.email, role: "viewer" });
  });
  afterAll(() => services.close());

  it("lists who has the board open, live, and forgets them when they leave", async () => {
    const names = (users: unknown) => (users as { name: string }[]).map((u) => u.name);
    const adaLeaves = new AbortController();
    const adaStream = await callerFor(services, ada, {
      signal: adaLeaves.signal,
    }).presence.subscribe({ boardId });
    const adaSees = (adaStream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    expect(names((await adaSees.next()).value)).toEqual(["ada"]);

    const bobLeaves = new AbortController();
    const bobStream = await callerFor(services, bob, {
      signal: bobLeaves.signal,
    }).presence.subscribe({ boardId });
    const bobSees = (bobStream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    expect(names((await bobSees.next()).value)).toEqual(["ada", "bob"]);
    // Ada hears that Bob arrived (each change once: no repeats of an unchanged list).
    expect(names((await adaSees.next()).value)).toEqual(["ada", "bob"]);

    bobLeaves.abort();
    await bobSees.return?.();
    expect(services.presence.list(boardId).map((u) => u.name)).toEqual(["ada"]);
    expect(names((await adaSees.next()).value)).toEqual(["ada"]);
    adaLeaves.abort();
    await adaSees.return?.();
    expect(services.presence.list(boardId)).toEqual([]);
  });

  it("non-members cannot see who is there", async () => {
    const [eve] = (await createUsers(db(), "eve")) as [TestUser];
    const error = await (async () => {
      try {
        const stream = await callerFor(services, eve).presence.subscribe({ boardId });
        for await (const _ of stream as AsyncIterable<unknown>) break;
      } catch (e) {
        return e as { code?: string };
      }
    })();
    expect(error?.code).toBe("NOT_FOUND");
  });
});

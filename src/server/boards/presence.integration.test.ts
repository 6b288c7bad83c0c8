import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "@/server/db";
import { openDatabase } from "@/server/db/database";
import { applyMigrations } from "@/server/db/migrate";
import { callerFor, createUsers, type TestUser } from "../../../test/api";
import { createPostgresDatabase } from "../../../test/databases";
import { createServices, type Services } from "../services";
import { PostgresBoardEvents } from "./BoardEvents";
import type { PresentUser } from "./Presence";

const skipReason = inject("postgresSkipReason");

/** Who a presence stream last said was there (names, sorted), as it streams. */
function watch(stream: Promise<AsyncIterable<PresentUser[]>>) {
  const state = { names: [] as string[] };
  void (async () => {
    try {
      for await (const users of await stream) state.names = users.map((u) => u.name).sort();
    } catch {
      // ended by the test
    }
  })();
  return state;
}

async function until(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(skipReason !== null)(
  `presence across instances (PostgreSQL)${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    const instances: Services[] = [];
    const buses: PostgresBoardEvents[] = [];
    let ada: TestUser;
    let bob: TestUser;

    beforeAll(async () => {
      const url = await createPostgresDatabase(inject("postgresUrl") ?? "");
      for (let i = 0; i < 2; i++) {
        const db = await openDatabase({ kind: "postgresql", url, poolSize: 4 });
        if (i === 0) await applyMigrations(db.adapterFactory);
        const events = new PostgresBoardEvents(url);
        await events.listening();
        buses.push(events);
        instances.push(
          createServices(db, { events, presence: { heartbeatMs: 100, expireMs: 600 } }),
        );
      }
      [ada, bob] = (await createUsers(instances[0]?.db as Database, "ada", "bob")) as [
        TestUser,
        TestUser,
      ];
    });
    afterAll(async () => {
      for (const services of instances) await services.close();
      for (const bus of buses) await bus.close();
    });

    it("two people on two instances see each other; the people of an instance that died go", async () => {
      const [one, two] = instances as [Services, Services];
      const { id: boardId } = await callerFor(one, ada).board.create({ title: "Together" });
      await callerFor(one, ada).board.invite({ boardId, email: bob.email, role: "editor" });
      const adaLeaves = new AbortController();
      const bobLeaves = new AbortController();
      const onOne = watch(
        callerFor(one, ada, { signal: adaLeaves.signal }).presence.subscribe({ boardId }),
      );
      await until(() => onOne.names.length === 1);
      const onTwo = watch(
        callerFor(two, bob, { signal: bobLeaves.signal }).presence.subscribe({ boardId }),
      );
      // Bob's instance asks who is there when he arrives, and Ada's answers.
      await until(() => onTwo.names.join() === "ada,bob", 1_000);
      await until(() => onOne.names.join() === "ada,bob");

      // Instance two dies: no goodbye, no more heartbeats. Bob is gone from Ada's view.
      await (buses[1] as PostgresBoardEvents).close();
      two.presence.close();
      const died = Date.now();
      await until(() => onOne.names.join() === "ada");
      expect(Date.now() - died).toBeLessThan(2_000);
      adaLeaves.abort();
      bobLeaves.abort();
    });
  },
);

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "@/server/db";
import { callerFor, createUsers, type TestUser } from "../../../../test/api";
import { type Instances, instancesOnPostgres } from "../../../../test/instances";
import { until } from "../../../../test/until";
import type { Services } from "../../services";
import type { PostgresBoardEvents } from "./BoardEvents";
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

describe.skipIf(skipReason !== null)(
  `presence across instances (PostgreSQL)${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let cluster: Instances;
    let ada: TestUser;
    let bob: TestUser;

    beforeAll(async () => {
      cluster = await instancesOnPostgres(inject("postgresUrl") ?? "", 2, {
        services: { presence: { heartbeatMs: 100, expireMs: 600 } },
      });
      [ada, bob] = (await createUsers(cluster.databases[0] as Database, "ada", "bob")) as [
        TestUser,
        TestUser,
      ];
    });
    afterAll(() => cluster.close());

    it("two people on two instances see each other; the people of an instance that died go", async () => {
      const [one, two] = cluster.services as [Services, Services];
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
      await (cluster.events[1] as PostgresBoardEvents).close();
      two.presence.close();
      const died = Date.now();
      await until(() => onOne.names.join() === "ada");
      expect(Date.now() - died).toBeLessThan(2_000);
      adaLeaves.abort();
      bobLeaves.abort();
    });
  },
);

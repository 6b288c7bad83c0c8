import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "@/server/db";
import type { Services } from "@/server/services";
import { callerFor, codeOf, codeOfError, createUsers, type TestUser } from "../../../../test/api";
import { type Instances, instancesOnPostgres } from "../../../../test/instances";
import { until } from "../../../../test/until";

const skipReason = inject("postgresSkipReason");

/** Reads a subscription until it ends; resolves with what it yielded and how it ended. */
function drain<T>(stream: Promise<AsyncIterable<T>>) {
  const seen: T[] = [];
  const ended = (async () => {
    try {
      for await (const value of await stream) seen.push(value);
      return null;
    } catch (error) {
      return error;
    }
  })();
  return { seen, ended };
}

describe.skipIf(skipReason !== null)(
  `access changes live on another instance (PostgreSQL)${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let cluster: Instances;
    let ada: TestUser;
    let bob: TestUser;

    beforeAll(async () => {
      cluster = await instancesOnPostgres(inject("postgresUrl") ?? "", 2);
      [ada, bob] = (await createUsers(cluster.databases[0] as Database, "ada", "bob")) as [
        TestUser,
        TestUser,
      ];
    });
    afterAll(() => cluster.close());

    it("a member made viewer, then removed, on one instance: the other refuses and ends their streams", async () => {
      const [one, two] = cluster.services as [Services, Services];
      const owner = callerFor(one, ada);
      const { id: boardId } = await owner.board.create({ title: "Live access" });
      await owner.board.invite({ boardId, email: bob.email, role: "editor" });
      const flush = (batchSeq: number) =>
        callerFor(two, bob).sync.flush({
          boardId,
          clientId: "bob",
          batchSeq,
          from: 0,
          commands: [{ action: "create", path: ["lists"], props: { title: `L${batchSeq}` } }],
        });
      expect((await flush(1)).errors).toEqual([]);

      const controller = new AbortController();
      const bobOnTwo = callerFor(two, bob, { signal: controller.signal });
      const access = drain(bobOnTwo.board.access({ boardId }));
      const updates = drain(bobOnTwo.sync.subscribe({ boardId }));
      await until(async () => access.seen.length === 1);
      expect(access.seen).toEqual([{ role: "editor" }]);

      await owner.board.setRole({ boardId, userId: bob.id, role: "viewer" });
      await until(async () => access.seen.length === 2);
      expect(access.seen[1]).toEqual({ role: "viewer" });
      expect(await codeOf(flush(2))).toBe("FORBIDDEN");

      await owner.board.removeMember({ boardId, userId: bob.id });
      expect(codeOfError(await access.ended)).toBe("NOT_FOUND");
      expect(codeOfError(await updates.ended)).toBe("NOT_FOUND");
      expect(await codeOf(flush(2))).toBe("NOT_FOUND");
      expect(await codeOf(callerFor(two, bob).sync.load({ boardId }))).toBe("NOT_FOUND");
      // Nothing of the refused flushes was applied.
      expect((await owner.sync.load({ boardId })).version).toBe(1);
      controller.abort();
    });
  },
);

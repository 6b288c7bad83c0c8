import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PostgresBoardEvents } from "@/server/boards/BoardEvents";
import type { Database } from "@/server/db";
import { openDatabase } from "@/server/db/database";
import { applyMigrations } from "@/server/db/migrate";
import { createServices, type Services } from "@/server/services";
import { callerFor, codeOf, codeOfError, createUsers, type TestUser } from "../../../../test/api";
import { createPostgresDatabase } from "../../../../test/databases";

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

/** Polls `check` until it holds (a change crosses instances through the database's NOTIFY). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(skipReason !== null)(
  `access changes live on another instance (PostgreSQL)${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    const databases: Database[] = [];
    const instances: Services[] = [];
    let ada: TestUser;
    let bob: TestUser;

    beforeAll(async () => {
      const url = await createPostgresDatabase(inject("postgresUrl") ?? "");
      for (let i = 0; i < 2; i++) {
        const db = await openDatabase({ kind: "postgresql", url, poolSize: 4 });
        if (i === 0) await applyMigrations(db.adapterFactory);
        const events = new PostgresBoardEvents(url);
        await events.listening();
        databases.push(db);
        instances.push(createServices(db, { events }));
      }
      [ada, bob] = (await createUsers(databases[0] as Database, "ada", "bob")) as [
        TestUser,
        TestUser,
      ];
    });
    afterAll(async () => {
      for (const services of instances) await services.close();
    });

    it("a member made viewer, then removed, on one instance: the other refuses and ends their streams", async () => {
      const [one, two] = instances as [Services, Services];
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
      await eventually(async () => access.seen.length === 1);
      expect(access.seen).toEqual([{ role: "editor" }]);

      await owner.board.setRole({ boardId, userId: bob.id, role: "viewer" });
      await eventually(async () => access.seen.length === 2);
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

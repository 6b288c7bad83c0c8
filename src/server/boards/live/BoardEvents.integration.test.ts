import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "@/server/db";
import type { RemoteChanges } from "@/sync";
import { callerFor, createUsers, type TestUser } from "../../../../test/api";
import { type Instances, instancesOnPostgres } from "../../../../test/instances";
import type { Services } from "../../services";
import type { PostgresBoardEvents } from "./BoardEvents";

const skipReason = inject("postgresSkipReason");

describe.skipIf(skipReason !== null)(
  `notifications across instances survive a lost LISTEN connection${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let cluster: Instances;
    let ada: TestUser;

    beforeAll(async () => {
      // A first retry after 150-300 ms: the last writes below land while B is not listening.
      cluster = await instancesOnPostgres(inject("postgresUrl") ?? "", 2, {
        retry: { baseMs: 300, maxMs: 1_000 },
      });
      [ada] = (await createUsers(cluster.databases[0] as Database, "ada")) as [TestUser];
    });
    afterAll(() => cluster.close());

    it("B's LISTEN backend terminated while A writes: B's subscriber gets every version, in order, within 2 s", async () => {
      const [a, b] = cluster.services as [Services, Services];
      const busB = cluster.events[1] as PostgresBoardEvents;
      const owner = callerFor(a, ada);
      const { id: boardId } = await owner.board.create({ title: "Gap" });

      const WRITES = 40;
      const controller = new AbortController();
      const stream = await callerFor(b, ada, { signal: controller.signal }).sync.subscribe({
        boardId,
        lastEventId: "0",
      });
      const versions: number[] = [];
      let heardAt = 0;
      const reading = (async () => {
        for await (const [, data] of stream as unknown as AsyncIterable<[string, RemoteChanges]>) {
          for (let i = 0; i < data.completions.length; i++) versions.push(data.from + 1 + i);
          heardAt = Date.now();
          if (versions.at(-1) === WRITES) break;
        }
      })();

      const pidBefore = await busB.backendPid();
      expect(pidBefore).not.toBeNull();
      for (let n = 1; n <= WRITES; n++) {
        await owner.sync.flush({
          boardId,
          clientId: "writer",
          batchSeq: n,
          from: n - 1,
          commands: [{ action: "update", path: [], props: { title: `Gap ${n}` } }],
        });
        if (n === WRITES - 10) {
          await (cluster.databases[0] as Database).prisma
            .$queryRaw`SELECT pg_terminate_backend(${pidBefore}::int)`;
        }
        // The last ten go out at once, while B's connection is down: only its catch-up brings them.
        if (n < WRITES - 10) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const lastWrite = Date.now();
      await Promise.race([
        reading,
        new Promise((_, reject) => setTimeout(() => reject(new Error("not caught up")), 5_000)),
      ]);
      controller.abort();
      expect(versions).toEqual(Array.from({ length: WRITES }, (_, i) => i + 1));
      expect(heardAt - lastWrite).toBeLessThan(2_000);
      expect(busB.reconnects).toBe(1);
      const pidAfter = await busB.backendPid();
      expect(pidAfter).not.toBeNull();
      expect(pidAfter).not.toBe(pidBefore);
    });
  },
);

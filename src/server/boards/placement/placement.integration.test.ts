import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "@/server/db";
import { callerFor, createUsers, type TestUser } from "../../../../test/api";
import { addItem, addList } from "../../../../test/board-commands";
import { type Instances, instancesOnPostgres } from "../../../../test/instances";
import {
  type SocketServer,
  signedIn,
  socketClient,
  startSocketServer,
} from "../../../../test/socket";
import { peerForwarder, peerToken } from "../../http/peer-client";
import type { Services } from "../../services";

const skipReason = inject("postgresSkipReason");

describe.skipIf(skipReason !== null)(
  `flushes go to the instance that writes their board${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    const token = peerToken("placement-test-secret-0123456789abcdef");
    // One forwarder serves both instances: it keeps a socket per peer it sends to.
    const peers = peerForwarder(token);
    let cluster: Instances;
    let instances: Services[];
    let databases: Database[];
    const servers: SocketServer[] = [];
    const open: { close(): void }[] = [];
    let ada: TestUser;
    let boardId: string;

    beforeAll(async () => {
      cluster = await instancesOnPostgres(inject("postgresUrl") ?? "", 2, {
        services: {
          peers: { token, forward: peers.forward },
          instances: { heartbeatMs: 100, expireMs: 1_000 },
          placement: { keepMs: 500 },
        },
      });
      ({ services: instances, databases } = cluster);
      for (const services of instances) {
        const server = await startSocketServer(services);
        servers.push(server);
        services.placement.instances.start(server.httpUrl.replace(/\/api\/trpc$/, ""));
      }
      [ada] = (await createUsers(databases[0] as Database, "ada")) as [TestUser];
      ({ id: boardId } = await callerFor(instances[0] as Services, ada).board.create({
        title: "Placed",
      }));
      // Each instance hears the other.
      while (instances.some((s) => s.placement.instances.peerCount < 1))
        await new Promise((resolve) => setTimeout(resolve, 20));
    });
    afterAll(async () => {
      for (const client of open) client.close();
      for (const server of servers) await server.close().catch(() => {});
      await cluster.close();
      peers.close();
    });

    const page = async (i: number) => {
      const socket = socketClient(
        (servers[i] as SocketServer).url,
        await signedIn(databases[i] as Database, ada),
      );
      open.push(socket);
      return socket.client;
    };
    const a = () => instances[0] as Services;
    const b = () => instances[1] as Services;

    it("a flush reaching another instance is written by the one that wrote the board, and answered the same", async () => {
      const onA = await page(0);
      const onB = await page(1);
      const first = await onA.sync.flush.mutate({
        boardId,
        clientId: "page-a",
        batchSeq: 1,
        from: 0,
        commands: [addList("l1")],
      });
      expect(first.version).toBe(1);
      // B hears that A wrote the board's latest version.
      await expect
        .poll(() => b().placement.instances.ownerOf(boardId)?.id)
        .toBe(a().placement.instances.id);
      // A's own page keeps writing: A keeps the board.
      await onA.sync.flush.mutate({
        boardId,
        clientId: "page-a",
        batchSeq: 2,
        from: 1,
        commands: [],
      });
      const fromB = {
        boardId,
        clientId: "page-b",
        batchSeq: 1,
        from: 0,
        commands: [addItem("l1", "i1", "Written on A")],
      };
      const second = await onB.sync.flush.mutate(fromB);
      // Answered as a flush from version 0 is: its item at version 2, and the list it missed.
      expect(second.version).toBe(2);
      expect(second.errors).toEqual([]);
      expect(second.applied.from).toBe(1);
      expect(second.applied.completions).toHaveLength(1);
      expect(second.sync).toBeDefined();
      // Written by A: B never loaded the board to write it.
      expect(a().boards.isHot(boardId)).toBe(true);
      expect(b().boards.isHot(boardId)).toBe(false);
      // Sent again (its answer lost), it is applied once.
      const again = await onB.sync.flush.mutate(fromB);
      expect(again.version).toBe(2);
      expect(await b().boards.head(boardId)).toBe(2);
    });

    it("only instances may call peer.flush: a page's socket is refused, whoever it names", async () => {
      const onA = await page(0);
      const refused = await onA.peer.flush
        .mutate({
          instance: a().placement.instances.id,
          boardId,
          userId: "someone-else",
          request: { clientId: "forged", batchSeq: 1, from: 0, commands: [addList("forged")] },
        })
        .catch((error: Error) => error);
      expect((refused as Error).message).toBe("Only for Rewind's instances");
      expect(a().placement.isPeer("not-the-token")).toBe(false);
      expect(a().placement.isPeer(token)).toBe(true);
      expect(await a().boards.head(boardId)).toBe(2);
    });

    it("a person who may not edit is refused by the instance that writes the board too", async () => {
      const [viewer] = (await createUsers(databases[0] as Database, "vic")) as [TestUser];
      await callerFor(a(), ada).board.invite({ boardId, email: viewer.email, role: "viewer" });
      const socket = socketClient(
        (servers[1] as SocketServer).url,
        await signedIn(databases[1] as Database, viewer),
      );
      open.push(socket);
      const refused = await socket.client.sync.flush
        .mutate({ boardId, clientId: "vic", batchSeq: 1, from: 2, commands: [addList("l2")] })
        .catch((error: Error) => error);
      expect((refused as Error).message).toBe("A viewer cannot change this board");
      expect(await b().boards.head(boardId)).toBe(2);
    });

    it("when the board's flushes stop reaching the instance that writes it, the one they reach takes it", async () => {
      const onB = await page(1);
      let batchSeq = 1;
      let from = 2;
      // A balancer that hashes boards sends the board's people to B: once A's own page has been
      // quiet for a while, A declines B's flushes, and B writes them.
      await expect
        .poll(
          async () => {
            batchSeq += 1;
            const answer = await onB.sync.flush.mutate({
              boardId,
              clientId: "page-b",
              batchSeq,
              from,
              commands: [addItem("l1", `b${batchSeq}`, `From B ${batchSeq}`)],
            });
            from = answer.version;
            return b().boards.isHot(boardId);
          },
          { timeout: 10_000 },
        )
        .toBe(true);
      // B wrote the latest version: A sends its flushes to B now.
      await expect
        .poll(() => a().placement.instances.ownerOf(boardId)?.id)
        .toBe(b().placement.instances.id);
      expect(b().placement.instances.ownerOf(boardId)).toBeNull();
    });

    it("when the instance that writes the board cannot be reached, the flush is written where it arrived", async () => {
      const onA = await page(0);
      const head = (await a().boards.head(boardId)) as number;
      await (servers[1] as SocketServer).close(); // B's sockets are gone; B still says it is there
      const started = performance.now();
      const answer = await onA.sync.flush.mutate({
        boardId,
        clientId: "page-a2",
        batchSeq: 1,
        from: head,
        commands: [addItem("l1", "i2", "Written on A")],
      });
      expect(answer.version).toBe(head + 1);
      expect(answer.errors).toEqual([]);
      // At once: the socket to B was lost, so the call is not left to wait for an answer.
      expect(performance.now() - started).toBeLessThan(2_500);
      // A wrote the latest version: it writes the board now.
      await expect.poll(() => a().placement.instances.ownerOf(boardId)).toBeNull();
    });
  },
);

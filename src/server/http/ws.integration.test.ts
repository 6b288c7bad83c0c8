import { afterAll, beforeAll, expect, it } from "vitest";
import { API_LIMITS } from "@/server/api/inputs";
import type { Services } from "@/server/services";
import { type FlushResponse, PROTOCOL_VERSION } from "@/sync";
import { callerFor, codeOfError, createUsers, newServices, type TestUser } from "../../../test/api";
import { addItem, addList } from "../../../test/board-commands";
import { describeEachDatabase } from "../../../test/databases";
import {
  type SocketServer,
  signedIn,
  signOut,
  socketClient,
  startSocketServer,
} from "../../../test/socket";

describeEachDatabase("tRPC over a WebSocket", (db) => {
  let services: Services;
  let server: SocketServer;
  let ada: TestUser;
  let boardId: string;
  const open: { close(): Promise<void> }[] = [];

  /** A socket client for `cookie`, closed after the suite. */
  const connect = (cookie: string | null, protocol?: number) => {
    const socket = socketClient(server.url, cookie, protocol);
    open.push(socket);
    return socket.client;
  };

  /** The same API over HTTP, from the same server (tRPC's Node adapter, as in production). */
  async function overHttp(cookie: string, path: string, input: unknown): Promise<unknown> {
    const response = await fetch(`${server.httpUrl}/${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ json: input }),
    });
    const body = (await response.json()) as { result?: { data: { json: unknown } } };
    if (!body.result) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
    return body.result.data.json;
  }

  beforeAll(async () => {
    services = newServices(db());
    server = await startSocketServer(services);
    [ada] = (await createUsers(db(), "ada")) as [TestUser];
    ({ id: boardId } = await callerFor(services, ada).board.create({ title: "Wire" }));
    await callerFor(services, ada).sync.flush({
      boardId,
      clientId: "setup",
      batchSeq: 1,
      from: 0,
      commands: [addList("l1")],
    });
  });
  afterAll(async () => {
    for (const socket of open) await socket.close();
    await server.close();
    await services.close();
  });

  it("a socket without a valid session gets UNAUTHORIZED on every call", async () => {
    const anonymous = connect(null);
    const forged = connect("better-auth.session_token=not-a-session");
    for (const client of [anonymous, forged]) {
      const errors = await Promise.all([
        client.board.list.query().catch((e: unknown) => e),
        client.sync.load.query({ boardId }).catch((e: unknown) => e),
      ]);
      expect(errors.map(codeOfError)).toEqual(["UNAUTHORIZED", "UNAUTHORIZED"]);
    }
  });

  it("queries, mutations and subscriptions share one socket; the user comes from the session", async () => {
    const client = connect(await signedIn(db(), ada));
    expect((await client.board.list.query()).map((b) => b.id)).toContain(boardId);
    const { version } = await client.sync.load.query({ boardId });
    const events: number[] = [];
    const subscription = client.sync.subscribe.subscribe(
      { boardId, lastEventId: String(version) },
      { onData: (event) => events.push(Number(event.id)) },
    );
    const answer = await client.sync.flush.mutate({
      boardId,
      clientId: "ws-1",
      batchSeq: 1,
      from: version,
      commands: [addItem("l1", "i1", "over the wire")],
    });
    expect(answer.applied.completions[0]?.props?.createdBy).toBe(ada.id);
    await expect.poll(() => events).toEqual([version + 1]);
    subscription.unsubscribe();
  });

  it("board events go out once per version to every socket subscriber, each under its own id, in order", async () => {
    const cookie = await signedIn(db(), ada);
    const { version } = await callerFor(services, ada).sync.load({ boardId });
    // A refused subscription to the board first must not take the next one's place.
    const refused = connect(cookie);
    const failed = new Promise<unknown>((resolve) => {
      refused.sync.subscribe.subscribe({ boardId, lastEventId: "x" }, { onError: resolve });
    });
    expect(codeOfError(await failed)).toBe("BAD_REQUEST");
    const clients = [refused, connect(cookie), connect(cookie)];
    const heard = clients.map(() => [] as { id: number; from: number; count: number }[]);
    const subscriptions = clients.map((client, i) =>
      client.sync.subscribe.subscribe(
        { boardId, lastEventId: String(version) },
        {
          onData: (event) =>
            heard[i]?.push({
              id: Number(event.id),
              from: event.data.from,
              count: event.data.completions.length,
            }),
        },
      ),
    );
    await expect.poll(() => services.broadcast.subscribers).toBe(3);
    for (let n = 1; n <= 3; n++) {
      await callerFor(services, ada).sync.flush({
        boardId,
        clientId: "broadcast",
        batchSeq: n,
        from: version + n - 1,
        commands: [addItem("l1", `bc${n}`, `broadcast ${n}`)],
      });
    }
    for (const events of heard) {
      await expect.poll(() => events.map((e) => e.id).at(-1)).toBe(version + 3);
      // Every version once, in order, whatever the grouping.
      const versions = events.flatMap((e) =>
        Array.from({ length: e.count }, (_, k) => e.from + 1 + k),
      );
      expect(versions).toEqual([version + 1, version + 2, version + 3]);
    }
    for (const subscription of subscriptions) subscription.unsubscribe();
    await expect.poll(() => services.broadcast.subscribers).toBe(0);
  });

  it("a signed-out session's socket gets UNAUTHORIZED within a second", async () => {
    const cookie = await signedIn(db(), ada);
    const client = connect(cookie);
    expect(await client.board.list.query()).not.toHaveLength(0);
    await signOut(db(), cookie);
    const signedOutAt = performance.now();
    let code: string | null = null;
    while (code !== "UNAUTHORIZED" && performance.now() - signedOutAt < 10_000) {
      code = await client.board.list.query().then(
        () => "OK",
        (error: unknown) => codeOfError(error),
      );
      if (code !== "UNAUTHORIZED") await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(code).toBe("UNAUTHORIZED");
    // The check runs every second; the rest is the time to notice, close and reconnect.
    expect(performance.now() - signedOutAt).toBeLessThan(2_000);
  });

  it("F4 a retried flush is answered, not applied twice, whichever transport sends it first", async () => {
    const cookie = await signedIn(db(), ada);
    const client = connect(cookie);
    for (const [first, retry] of [
      ["websocket", "http"],
      ["http", "websocket"],
    ] as const) {
      const { version } = await client.sync.load.query({ boardId });
      const flush = {
        boardId,
        clientId: `retry-${first}`,
        batchSeq: 1,
        from: version,
        commands: [addItem("l1", `r-${first}`, `first over ${first}`)],
      };
      const send = (transport: "websocket" | "http") =>
        transport === "websocket"
          ? client.sync.flush.mutate(flush)
          : (overHttp(cookie, "sync.flush", flush) as Promise<FlushResponse>);
      const answer = await send(first);
      const again = await send(retry);
      expect(JSON.parse(JSON.stringify(again))).toEqual(JSON.parse(JSON.stringify(answer)));
      expect((await client.sync.load.query({ boardId })).version).toBe(version + 1);
    }
  });

  it("a client speaking another protocol is told to reload at once", async () => {
    const client = connect(await signedIn(db(), ada), PROTOCOL_VERSION + 1);
    const error = await client.board.list.query().catch((e: unknown) => e);
    expect(codeOfError(error)).toBe("PRECONDITION_FAILED");
    expect((error as { data?: { outdated?: boolean } }).data?.outdated).toBe(true);
    expect((error as Error).message).toMatch(/reload the page/);
  });

  it("an HTTP body over the request limit is refused with the limit, and changes nothing", async () => {
    const cookie = await signedIn(db(), ada);
    const before = await callerFor(services, ada).board.list();
    const response = await fetch(`${server.httpUrl}/board.create`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ json: { title: "x".repeat(API_LIMITS.requestBytes) } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { json: { message: string } } };
    expect(body.error.json.message).toBe(
      `request: too large, at most ${API_LIMITS.requestBytes} bytes`,
    );
    expect(await callerFor(services, ada).board.list()).toEqual(before);
    // The server keeps serving.
    const list = await fetch(`${server.httpUrl}/board.list`, { headers: { cookie } });
    expect(list.status).toBe(200);
  });
});

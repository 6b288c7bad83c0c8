import type { AddressInfo } from "node:net";
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from "@trpc/client";
import { initTRPC, TRPCError } from "@trpc/server";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import { transformer } from "@/lib/transformer";
import { socketLink } from "./direct-calls";

// tRPC's WebSocket client waits a timer tick (`sleep(0)`: 1 ms in Node, up to 4 ms in a page)
// before sending each call, to batch the calls made meanwhile. That was most of a 1-command
// flush's round trip (bench:wire). `socketLink` sends queries and mutations at the end of the
// current task on the socket tRPC's client opened, still one message for the calls made together.

let hanging = 0;
const t = initTRPC.create({ transformer });
const router = t.router({
  echo: t.procedure.input(z.object({ at: z.date() })).mutation(({ input }) => input.at),
  refuse: t.procedure.query(() => {
    throw new TRPCError({ code: "FORBIDDEN", message: "not yours" });
  }),
  hang: t.procedure.mutation(() => {
    hanging += 1;
    return new Promise<never>(() => {});
  }),
  ticks: t.procedure.subscription(async function* () {
    yield 1;
    yield 2;
  }),
});

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function server() {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => wss.once("listening", resolve));
  const handler = applyWSSHandler({ wss, router });
  closers.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  closers.push(() => {
    handler.broadcastReconnectNotification();
    for (const socket of wss.clients) socket.terminate();
  });
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` };
}

function recordingSocket(sent: string[]) {
  return class RecordingSocket extends WebSocket {
    override send(data: unknown, ...rest: unknown[]) {
      sent.push(String(data));
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  } as unknown as typeof globalThis.WebSocket;
}

const at = new Date("2026-12-06T10:00:00Z");

async function connected(make: "socketLink" | "wsLink") {
  const { wss, url } = await server();
  const sent: string[] = [];
  const options = { url, WebSocket: recordingSocket(sent), retryDelayMs: () => 50 };
  const built =
    make === "socketLink"
      ? socketLink<typeof router>(options)
      : (() => {
          const wsClient = createWSClient(options);
          return {
            client: wsClient,
            link: wsLink<typeof router>({ client: wsClient, transformer }),
          };
        })();
  closers.push(() => built.client.close());
  const client = createTRPCClient<typeof router>({ links: [built.link] });
  expect(await client.echo.mutate({ at })).toEqual(at); // the socket is open from here on
  sent.length = 0;
  return { client, sent, wss };
}

/** Lets queued promise callbacks run, and nothing else: no timer, no I/O. */
async function microtasks(n = 20) {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe("socketLink", () => {
  it("sends a call before any timer could fire (tRPC's own wsLink does not)", async () => {
    const own = await connected("socketLink");
    const answer = own.client.echo.mutate({ at });
    await microtasks();
    expect(own.sent).toHaveLength(1);
    expect(JSON.parse(own.sent[0] as string)).toMatchObject({ method: "mutation" });
    expect(await answer).toEqual(at);

    // The reason the link exists: if tRPC's client sends before a timer, this link can go.
    const theirs = await connected("wsLink");
    const late = theirs.client.echo.mutate({ at });
    await microtasks();
    expect(theirs.sent).toHaveLength(0);
    await late;
  });

  it("sends calls made together as one message", async () => {
    const { client, sent } = await connected("socketLink");
    const answers = [1, 2, 3].map(() => client.echo.mutate({ at }));
    await microtasks();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0] as string)).toHaveLength(3);
    expect(await Promise.all(answers)).toEqual([at, at, at]);
  });

  it("answers a call without making tRPC's client abort its own signal (a DOMException a call)", async () => {
    const { client } = await connected("socketLink");
    const abort = vi.spyOn(AbortController.prototype, "abort");
    try {
      expect(await client.echo.mutate({ at })).toEqual(at);
      expect(await client.echo.mutate({ at })).toEqual(at);
      expect(abort).not.toHaveBeenCalled();
    } finally {
      abort.mockRestore();
    }
  });

  it("answers refusals as tRPC errors with their code", async () => {
    const { client } = await connected("socketLink");
    const error = await client.refuse.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<typeof router>).data?.code).toBe("FORBIDDEN");
    expect((error as Error).message).toBe("not yours");
  });

  it("leaves subscriptions to tRPC's wsLink", async () => {
    const { client } = await connected("socketLink");
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) => {
      client.ticks.subscribe(undefined, {
        onData: (value) => seen.push(value),
        onError: reject,
        onComplete: resolve,
      });
    });
    expect(seen).toEqual([1, 2]);
  });

  it("fails a call whose socket closes before it is answered, then reconnects", async () => {
    const { client, wss } = await connected("socketLink");
    const before = hanging;
    const lost = client.hang.mutate().catch((e: unknown) => e);
    await expect.poll(() => hanging).toBe(before + 1); // the server holds it, unanswered
    for (const socket of wss.clients) socket.terminate();
    const error = await lost;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as Error).message).toBe("WebSocket closed");
    await expect.poll(() => client.echo.mutate({ at }), { timeout: 5_000 }).toEqual(at);
  });
});

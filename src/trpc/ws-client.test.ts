import type { AddressInfo } from "node:net";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import { initTRPC } from "@trpc/server";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";

// patches/@trpc+client+11.22.1.patch: tRPC's WebSocket client waited a timer tick (`sleep(0)`,
// 1 ms in Node, often more in a busy page) before sending each call, to batch the calls made
// meanwhile. That was most of a 1-command flush's round trip (bench:wire); the patched client
// sends at the end of the current task, still one message for the calls made together.

const t = initTRPC.create();
const router = t.router({ echo: t.procedure.mutation(() => "ok") });

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function connectedClient() {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => wss.once("listening", resolve));
  const handler = applyWSSHandler({ wss, router });
  closers.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  closers.push(() => handler.broadcastReconnectNotification());
  const sent: string[] = [];
  class RecordingSocket extends WebSocket {
    override send(data: unknown, ...rest: unknown[]) {
      sent.push(String(data));
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  const { port } = wss.address() as AddressInfo;
  const wsClient = createWSClient({
    url: `ws://127.0.0.1:${port}`,
    WebSocket: RecordingSocket as unknown as typeof globalThis.WebSocket,
  });
  closers.push(() => wsClient.close());
  const client = createTRPCClient<typeof router>({ links: [wsLink({ client: wsClient })] });
  expect(await client.echo.mutate()).toBe("ok"); // the socket is open from here on
  sent.length = 0;
  return { client, sent };
}

/** Lets queued promise callbacks run, and nothing else: no timer, no I/O. */
async function microtasks(n = 20) {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe("tRPC's WebSocket client (patched)", () => {
  it("sends a call before any timer could fire", async () => {
    const { client, sent } = await connectedClient();
    const answer = client.echo.mutate();
    await microtasks();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0] as string)).toMatchObject({ method: "mutation" });
    expect(await answer).toBe("ok");
  });

  it("still sends calls made together as one message", async () => {
    const { client, sent } = await connectedClient();
    const answers = [client.echo.mutate(), client.echo.mutate(), client.echo.mutate()];
    await microtasks();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0] as string)).toHaveLength(3);
    expect(await Promise.all(answers)).toEqual(["ok", "ok", "ok"]);
  });
});

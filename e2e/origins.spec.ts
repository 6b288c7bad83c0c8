import { expect, test } from "@playwright/test";
import { WebSocket } from "ws";
import { apiClient, signUp } from "../bench/clients";
import { startServer } from "../test/server-process";

/** What answers a WebSocket upgrade to /api/trpc from `origin`: 101 (open) or the refusal's status. */
function upgradeStatus(url: string, cookie: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/trpc`, {
      headers: { cookie, ...(origin ? { origin } : {}) },
    });
    socket.once("open", () => {
      socket.close();
      resolve(101);
    });
    socket.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once("error", (error) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

/** `board.create` over HTTP, as a page of `origin` would send it with the person's cookie. */
function createOverHttp(url: string, cookie: string, origin: string | undefined, title: string) {
  return fetch(`${url}/api/trpc/board.create`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie,
      "x-rewind-protocol": "1",
      ...(origin ? { origin } : {}),
    },
    body: JSON.stringify({ json: { title } }),
  });
}

async function titles(url: string, cookie: string): Promise<string[]> {
  const { api, close } = apiClient(url, cookie, "websocket");
  try {
    return (await api.board.list.query()).map((board) => board.title);
  } finally {
    await close();
  }
}

test("another site's page can neither open a socket nor change anything over HTTP", async ({
  baseURL,
}) => {
  // The test server has no BETTER_AUTH_URL: its own pages are those of the host it answers on.
  const url = baseURL as string;
  const cookie = await signUp(url, "origin");
  expect(await upgradeStatus(url, cookie, "http://evil.example")).toBe(403);
  expect(await upgradeStatus(url, cookie, "null")).toBe(403);
  expect(await upgradeStatus(url, cookie, url)).toBe(101);
  expect(await upgradeStatus(url, cookie)).toBe(101); // no Origin: a server-side client

  const evil = await createOverHttp(url, cookie, "http://evil.example", "From evil");
  expect(evil.status).toBe(403);
  expect(await evil.text()).toContain("origin");
  const own = await createOverHttp(url, cookie, url, "From our page");
  expect(own.status).toBe(200);
  expect(await titles(url, cookie)).toEqual(["From our page"]);
  // Without a session, no Origin is no pass: the call is refused as before.
  expect((await createOverHttp(url, "", undefined, "Anonymous")).status).toBe(401);
  expect((await fetch(`${url}/api/health`)).status).toBe(200);
});

test("with BETTER_AUTH_URL and ALLOWED_ORIGINS, only those origins are the app's own", async () => {
  test.setTimeout(90_000);
  const port = 3170;
  const url = `http://localhost:${port}`;
  const server = await startServer({
    port,
    dataDir: ".data/e2e-origins",
    env: { BETTER_AUTH_URL: url, ALLOWED_ORIGINS: "https://rewind.example, https://b.example" },
  });
  try {
    const cookie = await signUp(url, "origins");
    expect(await upgradeStatus(url, cookie, url)).toBe(101);
    expect(await upgradeStatus(url, cookie, "https://rewind.example")).toBe(101);
    expect(await upgradeStatus(url, cookie, "https://b.example")).toBe(101);
    expect(await upgradeStatus(url, cookie, "https://c.example")).toBe(403);
    // The same host on another port is another origin.
    expect(await upgradeStatus(url, cookie, `http://localhost:${port + 1}`)).toBe(403);
    expect((await createOverHttp(url, cookie, "https://c.example", "No")).status).toBe(403);
    expect((await createOverHttp(url, cookie, "https://b.example", "Yes")).status).toBe(200);
    expect(await titles(url, cookie)).toEqual(["Yes"]);
  } finally {
    await server.stop();
  }
});

import { type APIRequestContext, expect, test } from "@playwright/test";
import { newUser } from "./fixtures";

/** tRPC over HTTP as any client would speak it (superjson envelopes: `{ json: ... }`). */
async function mutation(request: APIRequestContext, path: string, input: unknown) {
  const response = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  const body = await response.json();
  return { status: response.status(), data: body.result?.data?.json, error: body.error?.json };
}

async function query(request: APIRequestContext, path: string, input: unknown) {
  const response = await request.get(
    `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  const body = await response.json();
  return { status: response.status(), data: body.result?.data?.json, error: body.error?.json };
}

async function signUpApi(request: APIRequestContext, name: string) {
  const user = newUser(name);
  const response = await request.post("/api/auth/sign-up/email", { data: user });
  expect(response.status()).toBe(200);
  return user;
}

test("flush and subscribe over HTTP: typed answers, server-sent events resumable by version", async ({
  playwright,
  baseURL,
}) => {
  const ada = await playwright.request.newContext({ baseURL });
  const bob = await playwright.request.newContext({ baseURL });
  const eve = await playwright.request.newContext({ baseURL });
  await signUpApi(ada, "Ada");
  const bobUser = await signUpApi(bob, "Bob");
  await signUpApi(eve, "Eve");

  const { data: board } = await mutation(ada, "board.create", { title: "Over the wire" });
  expect(board.id).toMatch(/^[\w-]{21}$/);
  expect(
    (
      await mutation(ada, "board.invite", {
        boardId: board.id,
        email: bobUser.email,
        role: "editor",
      })
    ).data,
  ).toEqual({
    ok: true,
  });

  // Bob subscribes from version 0 before anything happens.
  const cookies = (await bob.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const controller = new AbortController();
  const input = encodeURIComponent(
    JSON.stringify({ json: { boardId: board.id, lastEventId: "0" } }),
  );
  const stream = await fetch(`${baseURL}/api/trpc/sync.subscribe?input=${input}`, {
    headers: { cookie: cookies, accept: "text/event-stream" },
    signal: controller.signal,
  });
  expect(stream.status).toBe(200);
  expect(stream.headers.get("content-type")).toContain("text/event-stream");

  const flush = await mutation(ada, "sync.flush", {
    boardId: board.id,
    clientId: "ada-tab",
    batchSeq: 1,
    from: 0,
    commands: [
      { action: "create", path: ["lists"], createdId: "l1", props: { title: "Todo" } },
      {
        action: "create",
        path: ["lists", "l1", "items"],
        createdId: "i1",
        props: { text: "milk" },
      },
      { action: "update", path: ["lists", "l1"], props: { color: "red" } },
    ],
  });
  expect(flush.status).toBe(200);
  expect(flush.data.version).toBe(2);
  expect(flush.data.errors).toEqual([
    {
      index: 2,
      action: "update",
      path: ["lists", "l1"],
      message: 'a list has no field "color" (allowed: title, order)',
    },
  ]);
  expect(flush.data.applied.completions[1].props.createdBy).toEqual(expect.any(String));

  // The event: id = the version reached, data = { from, completions }.
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!/id: ?2\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  controller.abort();
  const event = text.split("\n\n").find((block) => /id: ?2/.test(block)) ?? "";
  const data = JSON.parse(
    event
      .split("\n")
      .find((line) => line.startsWith("data:"))
      ?.slice(5) ?? "{}",
  );
  expect(data.json.from).toBe(0);
  expect(data.json.completions.map((c: { createdId: string }) => c.createdId)).toEqual([
    "l1",
    "i1",
  ]);

  // Load, authorisation and bad input over HTTP.
  expect((await query(bob, "sync.load", { boardId: board.id })).data.version).toBe(2);
  const hidden = await query(eve, "sync.load", { boardId: board.id });
  expect(hidden.status).toBe(404);
  const tooMany = await mutation(ada, "sync.flush", {
    boardId: board.id,
    clientId: "ada-tab",
    batchSeq: 2,
    from: 2,
    commands: Array.from({ length: 501 }, () => ({ action: "delete", path: ["x"] })),
  });
  expect(tooMany.status).toBe(400);
  expect(tooMany.error.message).toBe("commands: must hold at most 500 commands");
  const retry = await mutation(ada, "sync.flush", {
    boardId: board.id,
    clientId: "ada-tab",
    batchSeq: 1,
    from: 0,
    commands: [],
  });
  expect(retry.data).toEqual(flush.data);
  expect((await query(ada, "board.list", undefined)).data[0]).toMatchObject({
    id: board.id,
    version: 2,
    role: "owner",
  });
});

import { expect, test } from "@playwright/test";

test("health reports the embedded database after querying it", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ ok: true, db: "pglite" });
});

test("malformed requests get a 4xx with a reason, and the server keeps serving", async ({
  request,
}) => {
  const badJson = await request.post("/api/auth/sign-up/email", {
    headers: { "content-type": "application/json" },
    data: "{not json",
  });
  expect(badJson.status()).toBe(400);

  const missingFields = await request.post("/api/auth/sign-up/email", { data: { email: "nope" } });
  expect(missingFields.status()).toBe(400);
  expect((await missingFields.json()).message).toMatch(/email/i);

  const anonymous = await request.get("/api/trpc/board.list");
  expect(anonymous.status()).toBe(401);
  expect(JSON.stringify(await anonymous.json())).toContain("UNAUTHORIZED");

  const unknown = await request.get("/api/trpc/board.nope");
  expect(unknown.status()).toBe(404);

  expect((await request.get("/api/health")).status()).toBe(200);
});

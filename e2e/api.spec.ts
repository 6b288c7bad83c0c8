import { expect, test } from "@playwright/test";
import { apiClient, signUp } from "../bench/clients";
import { METRICS_TOKEN, metricsOf } from "../test/server-process";

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

/** One sample of a Prometheus text page: `name{labels} value`, or 0 when absent. */
function sample(page: string, series: string): number {
  const line = page.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

test("/api/metrics is served only with METRICS_TOKEN as a bearer token", async ({ baseURL }) => {
  const url = `${baseURL}/api/metrics`;
  const anonymous = await fetch(url);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
  expect(await anonymous.text()).not.toContain("rewind_");
  const wrong = await fetch(url, { headers: { authorization: "Bearer not-the-token-at-all-00" } });
  expect(wrong.status).toBe(401);
  const right = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(right.status).toBe(200);
  expect(await right.text()).toContain("rewind_flush_duration_seconds");
});

test("/api/metrics counts flushes, refusals and connected clients, in Prometheus format", async ({
  baseURL,
}) => {
  const url = baseURL as string;
  const cookie = await signUp(url, "metrics");
  const { api, close } = apiClient(url, cookie, "websocket");
  try {
    const before = await metricsOf(url);
    const { id: boardId } = await api.board.create.mutate({ title: "Metrics" });
    const answer = await api.sync.flush.mutate({
      boardId,
      clientId: "metrics",
      batchSeq: 1,
      from: 0,
      commands: [
        { action: "create", path: ["lists"], createdId: "l", props: { title: "L" } },
        { action: "update", path: ["lists", "missing"], props: { title: "x" } },
      ],
    });
    expect(answer.errors).toHaveLength(1);
    await expect(api.board.members.query({ boardId: "no-such-board" })).rejects.toThrow();

    const response = await fetch(`${url}/api/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.headers.get("content-type")).toContain("text/plain");
    const after = await response.text();
    const grew = (series: string) => sample(after, series) - sample(before, series);
    expect(grew("rewind_flush_duration_seconds_count")).toBe(1);
    expect(grew("rewind_group_flushes_count")).toBe(1);
    expect(grew('rewind_refused_total{reason="command"}')).toBe(1);
    expect(grew('rewind_refused_total{reason="NOT_FOUND"}')).toBe(1);
    expect(sample(after, 'rewind_connected_clients{transport="websocket"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(after, "rewind_boards_in_memory")).toBeGreaterThanOrEqual(1);
    expect(after).toContain("rewind_listen_reconnects");
  } finally {
    await close();
  }
});

import { APIError } from "better-auth/api";
import { beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../../../test/databases";
import { type Auth, createAuth } from "./create-auth";

const secret = "integration-test-secret-0123456789abcdef";
let limitedRuns = 0;

/** A sign-in with a wrong password from `address`, as a browser sends it. */
function wrongPassword(auth: Auth, address: string) {
  return auth.handler(
    new Request("http://localhost:3000/api/auth/sign-in/email", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-for": address,
        origin: "http://localhost:3000",
      },
      body: JSON.stringify({ email: "ada@example.com", password: "wrong password" }),
    }),
  );
}

describeEachDatabase("accounts", (db) => {
  let auth: Auth;
  beforeAll(() => {
    auth = createAuth({ prisma: db().prisma, secret, baseURL: "http://localhost:3000" });
  });

  it("signs up with email and password, storing the user and a hashed password", async () => {
    const result = await auth.api.signUpEmail({
      body: { name: "Ada", email: "ada@example.com", password: "correct horse" },
    });
    expect(result.user.email).toBe("ada@example.com");
    const account = await db().prisma.account.findFirstOrThrow({
      where: { userId: result.user.id },
    });
    expect(account.providerId).toBe("credential");
    expect(account.password).toBeTruthy();
    expect(account.password).not.toContain("correct horse");
  });

  it("refuses a second account with the same email, and keeps the first", async () => {
    await expect(
      auth.api.signUpEmail({
        body: { name: "Eve", email: "ada@example.com", password: "another pw" },
      }),
    ).rejects.toThrow(/already exists/i);
    await expect(db().prisma.user.count({ where: { email: "ada@example.com" } })).resolves.toBe(1);
  });

  it("refuses a password shorter than 8 characters", async () => {
    await expect(
      auth.api.signUpEmail({ body: { name: "Bob", email: "bob@example.com", password: "short" } }),
    ).rejects.toThrow(/too short/i);
  });

  it("refuses a wrong password with a clear message", async () => {
    const error = await auth.api
      .signInEmail({ body: { email: "ada@example.com", password: "wrong password" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toMatch(/invalid email or password/i);
  });

  it("signs in, and the session cookie identifies the user until sign-out", async () => {
    const signIn = await auth.api.signInEmail({
      body: { email: "ada@example.com", password: "correct horse" },
      returnHeaders: true,
    });
    const cookie = signIn.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect(cookie).toMatch(/session_token=/);
    const headers = new Headers({ cookie });

    const session = await auth.api.getSession({ headers });
    expect(session?.user.email).toBe("ada@example.com");

    await auth.api.signOut({ headers });
    await expect(auth.api.getSession({ headers })).resolves.toBeNull();
  });

  it("limits sign-in attempts per minute per address (AUTH_RATE_LIMIT), answering 429", async () => {
    const limited = createAuth({
      prisma: db().prisma,
      secret,
      baseURL: "http://localhost:3000",
      rateLimitPerMinute: 2,
    });
    // better-auth counts in process memory shared by every instance: a fresh address per run.
    const address = `203.0.113.${++limitedRuns}`;
    const attempt = () => wrongPassword(limited, address);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it("two instances on one database count sign-in attempts together", async () => {
    // Two processes' better-auth on the same database, counting in it (as main.ts does on
    // PostgreSQL); each would allow 2 attempts a minute on its own.
    const [one, two] = [1, 2].map(() =>
      createAuth({
        prisma: db().prisma,
        secret,
        baseURL: "http://localhost:3000",
        rateLimitPerMinute: 2,
        sharedRateLimit: true,
      }),
    ) as [Auth, Auth];
    const address = `198.51.100.${++limitedRuns}`;
    const attempt = (auth: Auth) => wrongPassword(auth, address);
    const statuses = [];
    for (const auth of [one, two, one, two]) statuses.push((await attempt(auth)).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
    expect(await db().prisma.authRateLimit.count()).toBeGreaterThan(0);
  });
});

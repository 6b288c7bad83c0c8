import type { Database } from "../db";
import type { Env } from "../env";
import { type Auth, createAuth } from "./create-auth";
import { SessionCache } from "./SessionCache";
import { resolveAuthSecret } from "./secret";

/** A process's sign-in: better-auth on its database, and the cache of verified sessions. */
export interface ProcessAuth {
  auth: Auth;
  sessions: SessionCache;
}

/** Builds better-auth and the session cache for `database`, configured by `env`. */
export function createProcessAuth(database: Database, env: Env): ProcessAuth {
  const auth = createAuth({
    prisma: database.prisma,
    secret: resolveAuthSecret(env),
    baseURL: env.BETTER_AUTH_URL,
    trustedOrigins: env.ALLOWED_ORIGINS,
    // Several instances on one PostgreSQL count sign-in attempts together.
    sharedRateLimit: database.kind === "postgresql",
    rateLimitPerMinute: env.AUTH_RATE_LIMIT,
  });
  const sessions = new SessionCache((headers) => auth.api.getSession({ headers }), database.prisma);
  return { auth, sessions };
}

export type { Auth, AuthSession } from "./create-auth";

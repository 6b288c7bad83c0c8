import { getDatabase } from "../db";
import { env } from "../env";
import { type Auth, type AuthSession, createAuth } from "./create-auth";
import { SessionCache } from "./SessionCache";
import { resolveAuthSecret } from "./secret";

const globalForAuth = globalThis as { __rewindAuth?: Promise<Auth> };

/** The process's better-auth instance, bound to the process's database. */
export function getAuth(): Promise<Auth> {
  globalForAuth.__rewindAuth ??= getDatabase()
    .then((database) =>
      createAuth({
        prisma: database.prisma,
        secret: resolveAuthSecret(env()),
        baseURL: env().BETTER_AUTH_URL,
        rateLimitPerMinute: env().AUTH_RATE_LIMIT,
      }),
    )
    .catch((error: unknown) => {
      globalForAuth.__rewindAuth = undefined; // let the next request try again
      throw error;
    });
  return globalForAuth.__rewindAuth;
}

const globalForSessions = globalThis as { __rewindSessions?: Promise<SessionCache> };

/** The process's session cache (verified sessions, and the sessions of open sockets). */
export function getSessionCache(): Promise<SessionCache> {
  globalForSessions.__rewindSessions ??= Promise.all([getAuth(), getDatabase()]).then(
    ([auth, database]) =>
      new SessionCache((headers) => auth.api.getSession({ headers }), database.prisma),
  );
  return globalForSessions.__rewindSessions;
}

/** The signed-in user's session for these request headers, or null (verified recently: cached). */
export async function getSession(headers: Headers): Promise<AuthSession | null> {
  return (await getSessionCache()).get(headers);
}

export type { Auth, AuthSession } from "./create-auth";

import { getDatabase } from "../db";
import { env } from "../env";
import { type Auth, createAuth } from "./create-auth";
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

/** The signed-in user's session for these request headers, or null. */
export async function getSession(headers: Headers) {
  const auth = await getAuth();
  return auth.api.getSession({ headers });
}

export type { Auth, AuthSession } from "./create-auth";

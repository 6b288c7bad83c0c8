import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import type { PrismaClient } from "@/generated/prisma/client";

export interface AuthOptions {
  prisma: PrismaClient;
  secret: string;
  /** Public origin of the app; when absent it is taken from each request. */
  baseURL?: string;
  /** More origins the app is served from (ALLOWED_ORIGINS): sign-in is accepted from them too. */
  trustedOrigins?: string[];
  /** Keep the attempt counters in the database (instances sharing a PostgreSQL), not in memory. */
  sharedRateLimit?: boolean;
  /** Sign-in and sign-up attempts per minute per IP address; 0 turns the limit off. */
  rateLimitPerMinute?: number;
}

/** Email + password accounts stored through Prisma in the app's own database. */
export function createAuth({
  prisma,
  secret,
  baseURL,
  trustedOrigins = [],
  sharedRateLimit = false,
  rateLimitPerMinute = 100,
}: AuthOptions) {
  return betterAuth({
    appName: "Rewind",
    secret,
    baseURL,
    trustedOrigins,
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
    },
    session: {
      expiresIn: 60 * 60 * 24 * 30, // 30 days
      updateAge: 60 * 60 * 24, // refreshed at most daily
    },
    // better-auth limits requests per IP in production. Its default for sign-in and sign-up
    // (3 per 10 s) also stops a team signing in from one office (one address); a limit per minute
    // (AUTH_RATE_LIMIT) still slows password guessing.
    rateLimit: {
      enabled: rateLimitPerMinute > 0,
      ...(sharedRateLimit ? { storage: "database" as const, modelName: "authRateLimit" } : {}),
      window: 60,
      max: Math.max(300, rateLimitPerMinute * 3),
      customRules: {
        "/sign-in/email": { window: 60, max: rateLimitPerMinute },
        "/sign-up/email": { window: 60, max: rateLimitPerMinute },
      },
    },
    telemetry: { enabled: false },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type AuthSession = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;

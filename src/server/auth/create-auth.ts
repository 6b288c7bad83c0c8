import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import type { PrismaClient } from "@/generated/prisma/client";

export interface AuthOptions {
  prisma: PrismaClient;
  secret: string;
  /** Public origin of the app; when absent it is taken from each request. */
  baseURL?: string;
}

/** Email + password accounts stored through Prisma in the app's own database. */
export function createAuth({ prisma, secret, baseURL }: AuthOptions) {
  return betterAuth({
    appName: "Rewind",
    secret,
    baseURL,
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
    // (3 per 10 s) also stops a team signing in from one office; 30 a minute still stops guessing.
    rateLimit: {
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/email": { window: 60, max: 30 },
        "/sign-up/email": { window: 60, max: 30 },
      },
    },
    telemetry: { enabled: false },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type AuthSession = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;

import { TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { createInnerContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";
import type { AuthSession } from "@/server/auth";
import { LocalBoardEvents } from "@/server/boards/live/BoardEvents";
import type { Database } from "@/server/db";
import { DEFAULT_LIMITS } from "@/server/fair-use/FairUse";
import { createServices, type Services, type ServicesOptions } from "@/server/services";

export interface TestUser {
  id: string;
  name: string;
  email: string;
}

/** A better-auth session for `user`, as the HTTP context would derive it from the cookie. */
export function sessionFor(user: TestUser): AuthSession {
  const now = new Date();
  return {
    user: { ...user, emailVerified: false, image: null, createdAt: now, updatedAt: now },
    session: {
      id: `session-${user.id}`,
      userId: user.id,
      token: `token-${user.id}`,
      expiresAt: new Date(now.getTime() + 60_000),
      createdAt: now,
      updatedAt: now,
      ipAddress: null,
      userAgent: null,
    },
  };
}

export async function createUsers(db: Database, ...names: string[]): Promise<TestUser[]> {
  const users = names.map((name) => ({
    id: `user-${name}-${Math.random().toString(36).slice(2, 8)}`,
    name,
    email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
  }));
  await db.prisma.user.createMany({ data: users });
  return users;
}

/** The services of one server instance on `db` (in-process events, like PGlite's). */
export function newServices(db: Database, options?: ServicesOptions): Services {
  // Suites seed thousands of commands as one person in a moment: a person's command limits are
  // off unless a suite sets them (src/server/fair-use tests them).
  const limits = { ...DEFAULT_LIMITS, commandsPerMinute: 0, commandsPerDay: 0 };
  return createServices(db, { events: new LocalBoardEvents(), limits, ...options });
}

/** tRPC procedures called in-process on `services`, as `user` (or anonymously). */
export function callerFor(
  services: Services,
  user: TestUser | null,
  options?: { signal?: AbortSignal },
) {
  return createCaller(
    createInnerContext({ ...services, session: user ? sessionFor(user) : null }),
    options,
  );
}

/** What a call was refused with: the error it rejected with, or a rejection it lacked. */
async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error("the call succeeded"),
    (error: unknown) => error,
  );
}

/** The tRPC code of an error, thrown in process (TRPCError) or received by a client. */
export function codeOfError(error: unknown): string | null {
  if (error instanceof TRPCError) return error.code;
  if (error instanceof TRPCClientError)
    return (error.data as { code?: string } | null)?.code ?? null;
  return null;
}

/** The tRPC error code a call was refused with, e.g. "NOT_FOUND". */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await refusal(promise);
  return codeOfError(error) ?? `no TRPCError (${String(error)})`;
}

/** The code and message a call was refused with, e.g. "PRECONDITION_FAILED: Nothing to undo". */
export async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await refusal(promise);
  const code = codeOfError(error);
  return code ? `${code}: ${(error as Error).message}` : `no TRPCError (${String(error)})`;
}

import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import type { InnerContext } from "./context";

const t = initTRPC.context<InnerContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Bad input answers with the field and the limit it broke, e.g. "title: Too big: expected
    // string to have <=200 characters", plus the structured issues for clients that want them.
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      message: zodError ? describeZodError(zodError) : shape.message,
      data: { ...shape.data, zodError: zodError ? z.flattenError(zodError) : null },
    };
  },
});

function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
    )
    .join("; ");
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Bad input fails with a message naming each field and the limit it broke (for in-process
 * callers too, not only in the HTTP response shape).
 */
const readableInputErrors = t.middleware(async function readableInputErrors({ next }) {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ZodError) {
    result.error.message = describeZodError(result.error.cause);
  }
  return result;
});

/** Anyone may call it. */
export const publicProcedure = t.procedure.use(readableInputErrors);

/** Only a signed-in user may call it; `ctx.user` is then always set, and comes from the session. */
export const protectedProcedure = publicProcedure.use(function requireSession({ ctx, next }) {
  if (!ctx.session) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  }
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user } });
});

import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { transformer } from "@/lib/transformer";
import { PROTOCOL_VERSION } from "@/sync";
import { atLeast, type Role } from "../boards/members/roles";
import { RateLimited } from "../fair-use/FairUse";
import type { InnerContext } from "./context";
import { asTRPCError } from "./errors";
import { API_LIMITS, boardId } from "./inputs";

const t = initTRPC.context<InnerContext>().create({
  transformer,
  errorFormatter({ shape, error }) {
    // Bad input answers with the field and the limit it broke, e.g. "title: Too big: expected
    // string to have <=200 characters", plus the structured issues for clients that want them.
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const tooLarge = error.code === "PAYLOAD_TOO_LARGE";
    return {
      ...shape,
      message: zodError
        ? describeZodError(zodError)
        : tooLarge
          ? `request: too large, at most ${API_LIMITS.requestBytes} bytes`
          : shape.message,
      data: {
        ...shape.data,
        zodError: zodError ? z.flattenError(zodError) : null,
        // The client must reload: it speaks another protocol than this server.
        outdated: error.cause instanceof OutdatedClient,
        // Over a fair-use limit: when to send again (nothing of the call was applied).
        ...(error.cause instanceof RateLimited ? { retryAfterMs: error.cause.retryAfterMs } : {}),
      },
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

/** A client speaking another protocol version than this server. */
class OutdatedClient extends Error {
  override readonly name = "OutdatedClient";
}

/**
 * Every failure answered the same way: bad input names each field and the limit it broke (for
 * in-process callers too, not only in the HTTP response shape), and the services' domain errors
 * become the tRPC codes clients act on.
 */
function answered<R extends { ok: boolean; error?: TRPCError }>(result: R): R {
  if (result.ok || !result.error) return result;
  const cause = result.error.cause;
  if (cause instanceof ZodError) result.error.message = describeZodError(cause);
  const mapped = asTRPCError(cause);
  if (mapped) throw mapped;
  return result;
}

/** A client that said which protocol it speaks must speak this server's (it reloads if not). */
function assertSameProtocol(spoken: number | null | undefined) {
  if (spoken != null && spoken !== PROTOCOL_VERSION) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: `Rewind was updated (protocol ${spoken} → ${PROTOCOL_VERSION}): reload the page`,
      cause: new OutdatedClient(`protocol ${spoken}, server ${PROTOCOL_VERSION}`),
    });
  }
}

// Each middleware is a layer tRPC copies its options through (twice per call): the checks every
// call shares are one middleware, not a chain of them.

/** Anyone may call it. */
export const publicProcedure = t.procedure.use(async function publicCall({ ctx, next }) {
  assertSameProtocol(ctx.clientProtocol);
  return answered(await next());
});

/** Only a signed-in user may call it; `ctx.user` is then always set, and comes from the session. */
export const protectedProcedure = t.procedure.use(async function signedInCall({ ctx, next }) {
  // tRPC merges what a middleware adds into the context: pass only the new fields.
  return answered(await next({ ctx: signedIn(ctx) }));
});

/** The protocol checked and the session required: what a signed-in call adds to the context. */
function signedIn(ctx: InnerContext) {
  assertSameProtocol(ctx.clientProtocol);
  if (!ctx.session) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  }
  return { session: ctx.session, user: ctx.session.user };
}

/**
 * A procedure on one board (`input.boardId`) for members with at least `minimum` role: the
 * caller's role is read once and put on the context; a board the caller is not a member of is
 * NOT_FOUND (it does not exist for them), a lesser role FORBIDDEN ("A viewer cannot <doing>").
 * Chain `.input(...)` for the procedure's other fields. One middleware, as a signed-in call's.
 */
export function boardProcedure(minimum: Role, doing = "do this") {
  return t.procedure
    .use(async function boardCall({ ctx, getRawInput, next }) {
      const caller = signedIn(ctx);
      const { boardId } = parsed(onBoard, await getRawInput());
      const role = await ctx.roles.of(boardId, caller.user.id);
      if (!role) throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
      if (!atLeast(role, minimum)) {
        throw new TRPCError({ code: "FORBIDDEN", message: `A ${role} cannot ${doing}` });
      }
      return answered(await next({ ctx: { ...caller, role } }));
    })
    .input(onBoard);
}

const onBoard = z.object({ boardId });

/** `input` as `schema` parses it; else BAD_REQUEST naming each field and the limit it broke. */
function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new TRPCError({
    code: "BAD_REQUEST",
    message: describeZodError(result.error),
    cause: result.error,
  });
}

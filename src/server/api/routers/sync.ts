import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { flushRequestSchema, ProtocolError } from "@/sync";
import { BoardNotFound } from "../../boards";
import { requireMember, requireRole } from "../access";
import { createWakeup } from "../signal";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const boardId = z.string().min(1, "must not be empty").max(128, "must be at most 128 characters");

/** 256 KB of commands per flush, measured as JSON. */
export const MAX_FLUSH_BYTES = 256 * 1024;

const flushInput = flushRequestSchema.extend({ boardId }).superRefine((input, ctx) => {
  const bytes = Buffer.byteLength(JSON.stringify(input.commands));
  if (bytes > MAX_FLUSH_BYTES) {
    ctx.addIssue({
      code: "custom",
      path: ["commands"],
      message: `must be at most 256 KB in all (got ${Math.ceil(bytes / 1024)} KB)`,
    });
  }
});

function asTRPCError(error: unknown): never {
  if (error instanceof ProtocolError)
    throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
  if (error instanceof BoardNotFound)
    throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
  throw error;
}

export const syncRouter = createTRPCRouter({
  /** The board's current version and document. */
  load: protectedProcedure.input(z.object({ boardId })).query(async ({ ctx, input }) => {
    await requireMember(ctx.db, input.boardId, ctx.user.id);
    return ctx.boards.load(input.boardId).catch(asTRPCError);
  }),

  /** Applies a client's batch of commands; answers as src/sync/SPEC.md describes (M2). */
  flush: protectedProcedure.input(flushInput).mutation(async ({ ctx, input }) => {
    await requireRole(ctx.db, input.boardId, ctx.user.id, ["owner", "editor"], "change this board");
    const { boardId: id, ...request } = input;
    return ctx.boards.flush(id, request, ctx.user.id).catch(asTRPCError);
  }),

  /**
   * Commands others applied, as they happen. Registers for new versions first, then catches up
   * from `lastEventId` (a version), so a reconnecting client gets every later version once, in order.
   */
  subscribe: protectedProcedure
    .input(
      z.object({
        boardId,
        lastEventId: z.string().regex(/^\d+$/, "must be a version number").nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      await requireMember(ctx.db, input.boardId, ctx.user.id);
      let latest = 0;
      const wakeup = createWakeup(signal);
      const off = ctx.boards.events.subscribe(input.boardId, (version) => {
        latest = Math.max(latest, version);
        wakeup.notify();
      });
      try {
        const head = await ctx.boards.store.version(input.boardId);
        if (head === null) throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
        latest = Math.max(latest, head);
        let sent = input.lastEventId != null ? Number(input.lastEventId) : head;
        while (!signal?.aborted) {
          if (latest > sent) {
            const to = latest;
            const changes = await ctx.boards.changes(input.boardId, sent, to);
            yield tracked(String(to), changes);
            sent = to;
            continue;
          }
          await wakeup.wait();
        }
      } finally {
        off();
      }
    }),
});

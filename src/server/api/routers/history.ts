import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { BoardNotFound, HistoryRefused } from "../../boards";
import { requireMember, requireRole } from "../access";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const boardId = z.string().min(1, "must not be empty").max(128, "must be at most 128 characters");
const version = z.number().int("must be a whole number").min(0, "must be at least 0");

/** Entries per page of the timeline. */
export const HISTORY_PAGE_LIMIT = 100;

function asTRPCError(error: unknown): never {
  if (error instanceof HistoryRefused)
    throw new TRPCError({ code: error.code, message: error.message, cause: error });
  if (error instanceof BoardNotFound)
    throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
  throw error;
}

const EDITORS = ["owner", "editor"] as const;

/** The id the new entry gets: a retry with the same one returns the first answer. */
const entryId = z.string().min(1, "must not be empty").max(128, "must be at most 128 characters");

/** SPEC H1-H11: the timeline, time travel, and per-user undo, redo and restore. */
export const historyRouter = createTRPCRouter({
  /** The board's history entries, newest first; pass `nextCursor` back for older ones. */
  list: protectedProcedure
    .input(
      z.object({
        boardId,
        cursor: z.string().regex(/^\d+$/, "must be a cursor from an earlier page").optional(),
        limit: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(HISTORY_PAGE_LIMIT, `must be at most ${HISTORY_PAGE_LIMIT}`)
          .default(30),
      }),
    )
    .query(async ({ ctx, input }) => {
      await requireMember(ctx.db, input.boardId, ctx.user.id);
      return ctx.boards.history
        .list(input.boardId, { cursor: input.cursor, limit: input.limit })
        .catch(asTRPCError);
    }),

  /** The board's document at `version`, read-only. */
  stateAt: protectedProcedure
    .input(z.object({ boardId, version }))
    .query(async ({ ctx, input }) => {
      await requireMember(ctx.db, input.boardId, ctx.user.id);
      return ctx.boards.history.stateAt(input.boardId, input.version).catch(asTRPCError);
    }),

  /** Whether the caller has an action to undo and one to redo (viewers have neither). */
  canUndo: protectedProcedure.input(z.object({ boardId })).query(async ({ ctx, input }) => {
    const role = await requireMember(ctx.db, input.boardId, ctx.user.id);
    if (role === "viewer") return { undo: false, redo: false };
    return ctx.boards.history.canUndo(input.boardId, ctx.user.id);
  }),

  /** Undoes `actionId` (any editor may), or else the caller's latest action not undone. */
  undo: protectedProcedure
    .input(
      z.object({
        boardId,
        actionId: z
          .string()
          .min(1, "must not be empty")
          .max(128, "must be at most 128 characters")
          .optional(),
        entryId: entryId.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await requireRole(ctx.db, input.boardId, ctx.user.id, EDITORS, "undo changes on this board");
      return ctx.boards.history
        .undo(input.boardId, ctx.user, { actionId: input.actionId, entryId: input.entryId })
        .catch(asTRPCError);
    }),

  /** Redoes the caller's latest undone action, until they make a new one. */
  redo: protectedProcedure
    .input(z.object({ boardId, entryId: entryId.optional() }))
    .mutation(async ({ ctx, input }) => {
      await requireRole(ctx.db, input.boardId, ctx.user.id, EDITORS, "redo changes on this board");
      return ctx.boards.history
        .redo(input.boardId, ctx.user, { entryId: input.entryId })
        .catch(asTRPCError);
    }),

  /** Brings the board back to how it was at `version`, as a new entry. */
  restore: protectedProcedure
    .input(z.object({ boardId, version, entryId: entryId.optional() }))
    .mutation(async ({ ctx, input }) => {
      await requireRole(ctx.db, input.boardId, ctx.user.id, EDITORS, "restore this board");
      return ctx.boards.history
        .restore(input.boardId, ctx.user, input.version, { entryId: input.entryId })
        .catch(asTRPCError);
    }),
});

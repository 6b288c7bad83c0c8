import { tracked } from "@trpc/server";
import { z } from "zod";
import { plainJson } from "@/lib/transformer";
import { boardVersions } from "../board-versions";
import { API_LIMITS, id, lastEventId, version } from "../inputs";
import { boardProcedure, createTRPCRouter } from "../trpc";

/** The id the new entry gets: a retry with the same one returns the first answer (H12). */
const entryId = id.optional();

/** A page of a newest-first list: `cursor` from the page before (`nextCursor`), and its size. */
const page = {
  cursor: z.string().regex(/^\d+$/, "must be a cursor from an earlier page").optional(),
  limit: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(API_LIMITS.historyPage, `must be at most ${API_LIMITS.historyPage}`)
    .default(API_LIMITS.historyPageDefault),
};

/** SPEC H1-H12: the timeline, time travel, and per-user undo, redo and restore. */
export const historyRouter = createTRPCRouter({
  /**
   * The board's history entries, newest first; pass `nextCursor` back for older ones. With
   * `itemId`, only the entries that touched that item (in list `listId`, when given), each with
   * the item just before and after it.
   */
  list: boardProcedure("viewer")
    .input(
      z
        .object({ ...page, itemId: id.optional(), listId: id.optional() })
        .refine((input) => input.listId === undefined || input.itemId !== undefined, {
          message: "must come with itemId",
          path: ["listId"],
        }),
    )
    .query(({ ctx, input }) => {
      const { boardId, itemId, listId, cursor, limit } = input;
      return itemId === undefined
        ? ctx.history.list(boardId, { cursor, limit })
        : ctx.history.items.entries(boardId, itemId, { cursor, limit, listId });
    }),

  /**
   * New timeline entries as they are appended (and actions continued since), for an open panel:
   * nothing while nothing happens, one event per new version otherwise, with the entries that
   * end after the last one sent (`lastEventId`, a version) up to the event's. An undo or redo entry switches its
   * target's `undone`; the client flips it.
   */
  subscribe: boardProcedure("viewer")
    .input(z.object({ lastEventId }))
    .subscription(async function* ({ ctx, input, signal }) {
      const versions = boardVersions(ctx, { procedure: "history.subscribe", ...input, signal });
      for await (const { from, to } of versions) {
        yield tracked(String(to), { entries: await ctx.history.since(input.boardId, from, to) });
      }
    }),

  /** Items and lists deleted and not back, newest first, with who deleted them and when. */
  deleted: boardProcedure("viewer")
    .input(z.object(page))
    .query(({ ctx, input }) =>
      ctx.history.items.deleted(input.boardId, { cursor: input.cursor, limit: input.limit }),
    ),

  /** The board's document at `version`, read-only. */
  stateAt: boardProcedure("viewer")
    .input(z.object({ version }))
    .query(({ ctx, input }) => ctx.history.stateAt(input.boardId, input.version)),

  /** What differs between the board at `from` and at `to`: lists and items added, removed, changed. */
  compare: boardProcedure("viewer")
    .input(z.object({ from: version, to: version }))
    .query(async ({ ctx, input }) =>
      // Strings and numbers only: sent without superjson's walk (a quarter of its CPU).
      plainJson({
        from: input.from,
        to: input.to,
        changes: await ctx.history.compare(input.boardId, input.from, input.to),
      }),
    ),

  /** Whether the caller has an action to undo and one to redo (viewers have neither). */
  canUndo: boardProcedure("viewer").query(({ ctx, input }) =>
    ctx.role === "viewer"
      ? { undo: false, redo: false }
      : ctx.history.canUndo(input.boardId, ctx.user.id),
  ),

  /** Undoes `actionId` (any editor may), or else the caller's latest action not undone. */
  undo: boardProcedure("editor", "undo changes on this board")
    .input(z.object({ actionId: id.optional(), entryId }))
    .mutation(async ({ ctx, input }) => {
      const undone = await ctx.history.undo(input.boardId, ctx.user, {
        actionId: input.actionId,
        entryId: input.entryId,
      });
      // What the caller can undo and redo now, so the page need not ask.
      return { ...undone, canUndo: await ctx.history.canUndo(input.boardId, ctx.user.id) };
    }),

  /** Redoes the caller's latest undone action, until they make a new one. */
  redo: boardProcedure("editor", "redo changes on this board")
    .input(z.object({ entryId }))
    .mutation(async ({ ctx, input }) => {
      const redone = await ctx.history.redo(input.boardId, ctx.user, { entryId: input.entryId });
      return { ...redone, canUndo: await ctx.history.canUndo(input.boardId, ctx.user.id) };
    }),

  /**
   * Brings item `itemId` back to how it was at `version` (text, done state, list and order), as a
   * new restore entry; `notice` says when its list is gone and it went to the first list.
   */
  restoreItem: boardProcedure("editor", "restore items on this board")
    .input(z.object({ itemId: id, version, entryId }))
    .mutation(({ ctx, input }) =>
      ctx.history.restoreItem(input.boardId, ctx.user, input.itemId, input.version, {
        entryId: input.entryId,
      }),
    ),

  /** Brings list `listId` back, with its items, as it was at `version`, as a new restore entry. */
  restoreList: boardProcedure("editor", "restore lists on this board")
    .input(z.object({ listId: id, version, entryId }))
    .mutation(({ ctx, input }) =>
      ctx.history.restoreList(input.boardId, ctx.user, input.listId, input.version, {
        entryId: input.entryId,
      }),
    ),

  /** Brings the board back to how it was at `version`, as a new entry. */
  restore: boardProcedure("editor", "restore this board")
    .input(z.object({ version, entryId }))
    .mutation(({ ctx, input }) =>
      ctx.history.restore(input.boardId, ctx.user, input.version, { entryId: input.entryId }),
    ),
});

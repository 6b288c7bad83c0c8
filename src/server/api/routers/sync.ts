import { tracked } from "@trpc/server";
import { z } from "zod";
import { plainJson } from "@/lib/transformer";
import { flushRequestSchema, type LoadAnswer } from "@/sync";
import { boardVersions } from "../board-versions";
import { lastEventId } from "../inputs";
import { boardProcedure, createTRPCRouter } from "../trpc";

/** Commands a catch-up answers with at most; further behind, the document costs less. */
const CATCH_UP_LIMIT = 2_000;

export const syncRouter = createTRPCRouter({
  /** The board's current version and document. */
  load: boardProcedure("viewer").query(async ({ ctx, input }) =>
    plainJson(await ctx.boards.load(input.boardId)),
  ),

  /**
   * A device that kept the board at version `since` catching up: the commands after it,
   * `{ version, from, completions }`, when there are at most CATCH_UP_LIMIT of them; else (or
   * when `since` is not a version of the board) the document, `{ version, document }`.
   */
  catchUp: boardProcedure("viewer")
    .input(z.object({ since: z.number().int().min(0) }))
    .query(async ({ ctx, input: { boardId, since } }): Promise<LoadAnswer> => {
      const head = await ctx.boards.head(boardId);
      if (head !== null && since <= head && head - since <= CATCH_UP_LIMIT) {
        const completions = await ctx.boards.commandsBetween(boardId, since, head);
        return plainJson({ version: head, from: since, completions });
      }
      return plainJson(await ctx.boards.load(boardId));
    }),

  /** Applies a client's batch of commands; answers as src/sync/SPEC.md describes (M2). */
  flush: boardProcedure("editor", "change this board")
    .input(flushRequestSchema)
    .mutation(async ({ ctx, input: { boardId, ...request } }) => {
      // Over a fair-use limit nothing is applied: TOO_MANY_REQUESTS with data.retryAfterMs.
      await ctx.fairUse.flush(ctx.user.id, request.clientId, request.commands.length);
      // Written on the instance that writes this board (forwarded when that is another).
      return plainJson(await ctx.placement.flush(boardId, request, ctx.user.id));
    }),

  /**
   * Commands others applied, as they happen. Registers for new versions first, then catches up
   * from `lastEventId` (a version), so a reconnecting client gets every later version once, in
   * order. Over a WebSocket the board's broadcast sends them (BoardBroadcast); each event is the
   * message tRPC would send for `tracked(version, changes)`.
   */
  subscribe: boardProcedure("viewer")
    .input(z.object({ lastEventId }))
    .subscription(async function* ({ ctx, input, signal }) {
      // Over a WebSocket the board's broadcast sends the versions (one JSON for all its
      // subscribers) and this loop only watches for the end; elsewhere (SSE) it yields them.
      const sender = ctx.direct?.senderFor(input.boardId, input.lastEventId ?? null) ?? {};
      const versions = boardVersions(
        ctx,
        { procedure: "sync.subscribe", ...input, signal },
        sender,
      );
      for await (const { from, to } of versions) {
        const changes = await ctx.boards.changesSince(input.boardId, from, to);
        yield tracked(String(to), plainJson(changes));
      }
    }),
});

import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { plainJson } from "@/lib/transformer";
import { trackSubscription } from "@/server/observability/metrics";
import { flushRequestSchema } from "@/sync";
import { BoardNotFound } from "../../boards/errors";
import { createWakeup } from "../signal";
import { boardProcedure, createTRPCRouter } from "../trpc";

export const syncRouter = createTRPCRouter({
  /** The board's current version and document. */
  load: boardProcedure("viewer").query(async ({ ctx, input }) =>
    plainJson(await ctx.boards.load(input.boardId)),
  ),

  /** Applies a client's batch of commands; answers as src/sync/SPEC.md describes (M2). */
  flush: boardProcedure("editor", "change this board")
    .input(flushRequestSchema)
    .mutation(async ({ ctx, input: { boardId, ...request } }) =>
      plainJson(await ctx.boards.flush(boardId, request, ctx.user.id)),
    ),

  /**
   * Commands others applied, as they happen. Registers for new versions first, then catches up
   * from `lastEventId` (a version), so a reconnecting client gets every later version once, in
   * order. Over a WebSocket the board's broadcast sends them (BoardBroadcast); each event is the
   * message tRPC would send for `tracked(version, changes)`.
   */
  subscribe: boardProcedure("viewer")
    .input(
      z.object({ lastEventId: z.string().regex(/^\d+$/, "must be a version number").nullish() }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      let latest = 0;
      const untrack = trackSubscription("sync.subscribe");
      const wakeup = createWakeup(signal);
      // Over a WebSocket, versions go out through the board's broadcast (one JSON for all its
      // subscribers); this loop then only watches for the end. Elsewhere (SSE) it yields them.
      const direct = ctx.direct?.subscriber(input.boardId, input.lastEventId ?? null, 0);
      const off = direct
        ? () => {}
        : ctx.boards.events.subscribe(input.boardId, (version) => {
            latest = Math.max(latest, version);
            wakeup.notify();
          });
      let leave = () => {};
      // A member taken off the board (on any instance) stops hearing of it at once.
      let membersChanged = false;
      const offMembers = ctx.roles.watch(input.boardId, () => {
        membersChanged = true;
        wakeup.notify();
      });
      try {
        const head = await ctx.boards.head(input.boardId);
        if (head === null) throw new BoardNotFound(`Board ${input.boardId} not found`);
        latest = Math.max(latest, head);
        let sent = input.lastEventId != null ? Number(input.lastEventId) : head;
        if (direct) {
          direct.sent = sent;
          leave = ctx.broadcast.join(input.boardId, direct, head);
        }
        while (!signal?.aborted) {
          if (membersChanged) {
            membersChanged = false;
            if (!(await ctx.roles.of(input.boardId, ctx.user.id))) {
              throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
            }
          }
          if (!direct && latest > sent) {
            const to = latest;
            const changes = await ctx.boards.changesSince(input.boardId, sent, to);
            yield tracked(String(to), plainJson(changes));
            sent = to;
            continue;
          }
          await wakeup.wait();
        }
      } finally {
        leave();
        off();
        offMembers();
        untrack();
      }
    }),
});

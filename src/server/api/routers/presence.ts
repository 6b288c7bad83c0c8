import { z } from "zod";
import { requireMember } from "../access";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const presenceRouter = createTRPCRouter({
  /**
   * Marks the caller present on the board while subscribed, and streams who else is there:
   * the full list each time it changes.
   */
  subscribe: protectedProcedure
    .input(z.object({ boardId: z.string().min(1).max(128) }))
    .subscription(async function* ({ ctx, input, signal }) {
      await requireMember(ctx.db, input.boardId, ctx.user.id);
      const { presence } = ctx.boards;
      let changed = true;
      let wake: (() => void) | null = null;
      const off = presence.onChange(input.boardId, () => {
        changed = true;
        wake?.();
      });
      const leave = presence.join(input.boardId, { id: ctx.user.id, name: ctx.user.name });
      try {
        while (!signal?.aborted) {
          if (changed) {
            changed = false;
            yield presence.list(input.boardId);
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal?.addEventListener("abort", () => resolve(), { once: true });
          });
          wake = null;
        }
      } finally {
        leave();
        off();
      }
    }),
});

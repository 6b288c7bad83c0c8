import { trackSubscription } from "../../observability/metrics";
import { createWakeup } from "../signal";
import { boardProcedure, createTRPCRouter } from "../trpc";

export const presenceRouter = createTRPCRouter({
  /**
   * Marks the caller present on the board while subscribed, and streams who else is there:
   * the full list each time it changes.
   */
  subscribe: boardProcedure("viewer").subscription(async function* ({ ctx, input, signal }) {
    const { presence } = ctx;
    const untrack = trackSubscription("presence.subscribe");
    const wakeup = createWakeup(signal);
    const off = presence.onChange(input.boardId, wakeup.notify);
    const leave = presence.join(input.boardId, { id: ctx.user.id, name: ctx.user.name });
    try {
      let last = "";
      while (!signal?.aborted) {
        const users = presence.list(input.boardId);
        const key = users.map((user) => user.id).join("\n");
        if (key !== last) {
          last = key;
          yield users;
        }
        await wakeup.wait();
      }
    } finally {
      leave();
      off();
      untrack();
    }
  }),
});

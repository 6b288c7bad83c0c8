import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { newId } from "@/sync";
import type { Role } from "../../boards/members/MemberRoles";
import { trackSubscription } from "../../observability/metrics";
import { id, title } from "../inputs";
import { createWakeup } from "../signal";
import { boardProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

export const boardRouter = createTRPCRouter({
  /** A new board owned by the caller, at version 0 with `{ title, lists: {} }`. */
  create: protectedProcedure.input(z.object({ title })).mutation(async ({ ctx, input }) => {
    const id = newId();
    await ctx.boards.create({ id, title: input.title, ownerId: ctx.user.id });
    return { id };
  }),

  /** Boards the caller is a member of, most recently changed first. */
  list: protectedProcedure.query(({ ctx }) => ctx.members.boardsOf(ctx.user.id)),

  /** Owner only: gives an existing account access to the board. */
  invite: boardProcedure("owner", "invite people")
    .input(
      z.object({
        email: z.email("must be an email address"),
        role: z.enum(["editor", "viewer"]),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.members.invite(input.boardId, ctx.user.id, input.email, input.role);
      return { ok: true as const };
    }),

  /** Owner only: changes a member's role; the last owner cannot step down. */
  setRole: boardProcedure("owner", "change roles")
    .input(z.object({ userId: id, role: z.enum(["editor", "viewer"]) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.roles.change(input.boardId, input.userId, input.role);
      return { ok: true as const };
    }),

  /** Owner only: takes a member off the board; the last owner cannot leave. */
  removeMember: boardProcedure("owner", "remove people")
    .input(z.object({ userId: id }))
    .mutation(async ({ ctx, input }) => {
      await ctx.roles.change(input.boardId, input.userId, null);
      return { ok: true as const };
    }),

  /**
   * The caller's role on the board: now, then at every change (on any instance). Ends with
   * NOT_FOUND once they are no longer a member.
   */
  access: boardProcedure("viewer").subscription(async function* ({ ctx, input, signal }) {
    const untrack = trackSubscription("board.access");
    const wakeup = createWakeup(signal);
    const off = ctx.roles.watch(input.boardId, () => wakeup.notify());
    try {
      let sent: Role | null = null;
      while (!signal?.aborted) {
        const role = await ctx.roles.of(input.boardId, ctx.user.id);
        if (!role) throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
        if (role !== sent) yield { role };
        sent = role;
        await wakeup.wait();
      }
    } finally {
      off();
      untrack();
    }
  }),

  /** Everyone on the board, with their role. */
  members: boardProcedure("viewer").query(({ ctx, input }) => ctx.members.of(input.boardId)),
});

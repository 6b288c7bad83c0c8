import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { newId } from "@/sync";
import { title } from "../inputs";
import { boardProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

export const boardRouter = createTRPCRouter({
  /** A new board owned by the caller, at version 0 with `{ title, lists: {} }`. */
  create: protectedProcedure.input(z.object({ title })).mutation(async ({ ctx, input }) => {
    const id = newId();
    await ctx.boards.create({ id, title: input.title, ownerId: ctx.user.id });
    return { id };
  }),

  /** Boards the caller is a member of, most recently changed first. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const memberships = await ctx.db.prisma.boardMember.findMany({
      where: { userId: ctx.user.id },
      include: { board: true },
      orderBy: { board: { updatedAt: "desc" } },
    });
    return memberships.map(({ board, role }) => ({
      id: board.id,
      title: board.title,
      role,
      version: board.version,
      updatedAt: board.updatedAt,
    }));
  }),

  /** Owner only: gives an existing account access to the board. */
  invite: boardProcedure("owner", "invite people")
    .input(
      z.object({
        email: z.email("must be an email address"),
        role: z.enum(["editor", "viewer"]),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const invitee = await ctx.db.prisma.user.findUnique({
        where: { email: input.email.toLowerCase() },
        select: { id: true },
      });
      if (!invitee) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `No Rewind account uses ${input.email}: ask them to sign up first`,
        });
      }
      if (invitee.id === ctx.user.id) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "You already own this board" });
      }
      await ctx.db.prisma.boardMember.upsert({
        where: { boardId_userId: { boardId: input.boardId, userId: invitee.id } },
        create: { boardId: input.boardId, userId: invitee.id, role: input.role },
        update: { role: input.role },
      });
      await ctx.roles.changed(input.boardId);
      return { ok: true as const };
    }),

  /** Everyone on the board, with their role. */
  members: boardProcedure("viewer").query(async ({ ctx, input }) => {
    const members = await ctx.db.prisma.boardMember.findMany({
      where: { boardId: input.boardId },
      include: { user: { select: { id: true, name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    });
    return members.map(({ user, role }) => ({
      userId: user.id,
      name: user.name,
      email: user.email,
      role,
    }));
  }),
});

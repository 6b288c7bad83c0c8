import { createTRPCRouter, protectedProcedure } from "../trpc";

export const boardRouter = createTRPCRouter({
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
});

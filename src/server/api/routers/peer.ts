import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { plainJson } from "@/lib/transformer";
import type { FlushRequest } from "@/sync";
import { atLeast } from "../../boards/members/roles";
import { boardId, id } from "../inputs";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** Called by another instance only (its socket showed the instances' token), never by a page. */
const peerProcedure = publicProcedure.use(function requirePeer({ ctx, next }) {
  if (!ctx.peer) throw new TRPCError({ code: "FORBIDDEN", message: "Only for Rewind's instances" });
  return next();
});

export const peerRouter = createTRPCRouter({
  /**
   * A flush the instance that received it sends here, where its board is written: it checked the
   * person's session and fair use; the person's role is checked here again, as `sync.flush` does.
   */
  flush: peerProcedure
    .input(
      z.object({
        instance: id,
        boardId,
        userId: id,
        // Checked against the schema by the instance the page sent it to.
        request: z.custom<FlushRequest>((value) => typeof value === "object" && value !== null),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const role = await ctx.roles.of(input.boardId, input.userId);
      if (!role) throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
      if (!atLeast(role, "editor")) {
        throw new TRPCError({ code: "FORBIDDEN", message: `A ${role} cannot change this board` });
      }
      return plainJson(await ctx.placement.applyForwarded(input));
    }),
});

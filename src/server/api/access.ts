import { TRPCError } from "@trpc/server";
import type { Database } from "../db";

export const ROLES = ["owner", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** The user's role on the board, or NOT_FOUND (a board one cannot see does not exist for them). */
export async function requireMember(db: Database, boardId: string, userId: string): Promise<Role> {
  const member = await db.prisma.boardMember.findUnique({
    where: { boardId_userId: { boardId, userId } },
    select: { role: true },
  });
  if (!member) throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
  return member.role as Role;
}

/** Like requireMember, and FORBIDDEN unless the role is one of `allowed`. */
export async function requireRole(
  db: Database,
  boardId: string,
  userId: string,
  allowed: readonly Role[],
  action: string,
): Promise<Role> {
  const role = await requireMember(db, boardId, userId);
  if (!allowed.includes(role)) {
    throw new TRPCError({ code: "FORBIDDEN", message: `A ${role} cannot ${action}` });
  }
  return role;
}

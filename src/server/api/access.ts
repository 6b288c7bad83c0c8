import type { Database } from "../db";

/** Roles on a board, from the most to the least allowed. */
export const ROLES = ["owner", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` may do what `minimum` may. */
export function atLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(minimum);
}

/** The user's role on the board, or null when they are not a member. */
export async function roleOf(db: Database, boardId: string, userId: string): Promise<Role | null> {
  const member = await db.prisma.boardMember.findUnique({
    where: { boardId_userId: { boardId, userId } },
    select: { role: true },
  });
  return (member?.role as Role | undefined) ?? null;
}

import type { PrismaClient } from "@/generated/prisma/client";
import type { BoardEvents } from "./BoardEvents";

/** Roles on a board, from the most to the least allowed. */
export const ROLES = ["owner", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` may do what `minimum` may. */
export function atLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(minimum);
}

/**
 * Who may do what on which board, read from the database once and kept: every call on a board
 * needs the caller's role, and it rarely changes. A change of a board's members is announced to
 * every instance (`changed`), which drops what it kept of that board at once.
 */
export class MemberRoles {
  /** boardId → userId → role (null: not a member). */
  private readonly boards = new Map<string, Map<string, Role | null>>();
  /** Bumped at every change of a board, so a read that raced with it is not kept. */
  private readonly generations = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: BoardEvents,
    private readonly maxBoards = 10_000,
  ) {
    this.unsubscribe = events.subscribeMembers((boardId) => this.forget(boardId));
  }

  /** The user's role on the board, or null when they are not a member. */
  async of(boardId: string, userId: string): Promise<Role | null> {
    const known = this.boards.get(boardId);
    if (known?.has(userId)) return known.get(userId) ?? null;
    const generation = this.generations.get(boardId) ?? 0;
    const member = await this.prisma.boardMember.findUnique({
      where: { boardId_userId: { boardId, userId } },
      select: { role: true },
    });
    const role = (member?.role as Role | undefined) ?? null;
    if ((this.generations.get(boardId) ?? 0) === generation) this.remember(boardId, userId, role);
    return role;
  }

  /** Tells every instance (this one at once) that the board's members changed. */
  async changed(boardId: string): Promise<void> {
    this.forget(boardId);
    await this.events.publishMembers(boardId);
  }

  close(): void {
    this.unsubscribe();
  }

  private forget(boardId: string) {
    this.boards.delete(boardId);
    this.generations.set(boardId, (this.generations.get(boardId) ?? 0) + 1);
  }

  private remember(boardId: string, userId: string, role: Role | null) {
    let members = this.boards.get(boardId);
    if (!members) {
      if (this.boards.size >= this.maxBoards) {
        const oldest = this.boards.keys().next().value;
        if (oldest !== undefined) this.boards.delete(oldest);
      }
      members = new Map();
      this.boards.set(boardId, members);
    }
    members.set(userId, role);
  }
}

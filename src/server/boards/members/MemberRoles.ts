import { LRUCache } from "lru-cache";
import type { PrismaClient } from "@/generated/prisma/client";
import { MembershipRefused } from "../errors";
import { ALL_BOARDS, type BoardEvents } from "../live/BoardEvents";
import type { Role } from "./roles";

export type { Role } from "./roles";

/**
 * Who may do what on which board, read from the database once and kept: every call on a board
 * needs the caller's role, and it rarely changes. A change of a board's members is announced to
 * every instance (`changed`), which drops what it kept of that board at once.
 */
export class MemberRoles {
  /** boardId → userId → role (null: not a member); the least recently used boards go first. */
  private readonly boards: LRUCache<string, Map<string, Role | null>>;
  /** Bumped at every change of a board, so a read that raced with it is not kept. */
  private readonly generations = new Map<string, number>();
  /** Bumped when every board may have changed (after a gap in the notifications). */
  private epoch = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: BoardEvents,
    maxBoards = 10_000,
  ) {
    this.boards = new LRUCache({ max: maxBoards });
    this.unsubscribe = events.subscribeMembers((boardId) => {
      if (boardId === ALL_BOARDS) this.forgetAll();
      else this.forget(boardId);
    });
  }

  /** The user's role on the board, or null when they are not a member. */
  async of(boardId: string, userId: string): Promise<Role | null> {
    const known = this.boards.get(boardId);
    if (known?.has(userId)) return known.get(userId) ?? null;
    const generation = this.generations.get(boardId) ?? 0;
    const epoch = this.epoch;
    const member = await this.prisma.boardMember.findUnique({
      where: { boardId_userId: { boardId, userId } },
      select: { role: true },
    });
    const role = (member?.role as Role | undefined) ?? null;
    if ((this.generations.get(boardId) ?? 0) === generation && this.epoch === epoch) {
      this.remember(boardId, userId, role);
    }
    return role;
  }

  /**
   * Gives a member another role, or takes them off the board (`role` null), and tells every
   * instance. The board's last owner can do neither to themself.
   */
  async change(
    boardId: string,
    userId: string,
    role: Exclude<Role, "owner"> | null,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      // Owners' rows locked first: two owners stepping down at once cannot leave none.
      const owners = await tx.$queryRaw<{ userId: string }[]>`
        SELECT "userId" FROM board_member WHERE "boardId" = ${boardId} AND role = 'owner' FOR UPDATE`;
      const member = await tx.boardMember.findUnique({
        where: { boardId_userId: { boardId, userId } },
        select: { role: true },
      });
      if (!member) throw new MembershipRefused("not-found", "No such member on this board");
      if (member.role === "owner" && owners.length <= 1) {
        throw new MembershipRefused(
          "refused",
          role === null
            ? "The board's last owner cannot leave it"
            : "The board's last owner cannot give up ownership",
        );
      }
      if (role === null) {
        await tx.boardMember.delete({ where: { boardId_userId: { boardId, userId } } });
      } else {
        await tx.boardMember.update({
          where: { boardId_userId: { boardId, userId } },
          data: { role },
        });
      }
    });
    await this.changed(boardId);
  }

  /** Calls `listener` whenever the board's members change, on any instance. */
  watch(boardId: string, listener: () => void): () => void {
    return this.events.subscribeMembers((changed) => {
      if (changed === boardId || changed === ALL_BOARDS) listener();
    });
  }

  /** Tells every instance (this one at once) that the board's members changed. */
  async changed(boardId: string): Promise<void> {
    this.forget(boardId);
    await this.events.publishMembers(boardId);
  }

  close(): void {
    this.unsubscribe();
  }

  private forgetAll() {
    this.boards.clear();
    this.epoch += 1;
  }

  private forget(boardId: string) {
    this.boards.delete(boardId);
    this.generations.set(boardId, (this.generations.get(boardId) ?? 0) + 1);
  }

  private remember(boardId: string, userId: string, role: Role | null) {
    let members = this.boards.get(boardId);
    if (!members) {
      members = new Map();
      this.boards.set(boardId, members);
    }
    members.set(userId, role);
  }
}

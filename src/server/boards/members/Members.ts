import type { PrismaClient } from "@/generated/prisma/client";
import { MembershipRefused } from "../errors";
import type { MemberRoles, Role } from "./MemberRoles";

/** A board as one of its members sees it in their list of boards. */
export interface MemberBoard {
  id: string;
  title: string;
  role: Role;
  version: number;
  updatedAt: Date;
}

/** Someone on a board, with their role. */
export interface BoardMember {
  userId: string;
  name: string;
  email: string;
  role: Role;
}

/**
 * Which of the users `wanted` are members of the board, read from the database (so a removal on
 * any instance counts at once).
 */
export async function membersAmong(
  prisma: PrismaClient,
  boardId: string,
  wanted: Iterable<string>,
): Promise<ReadonlySet<string>> {
  const rows = await prisma.boardMember.findMany({
    where: { boardId, userId: { in: [...wanted] } },
    select: { userId: true },
  });
  return new Set(rows.map((row) => row.userId));
}

/**
 * The people of each board: who is on it, the boards each person is on, and invitations. Role
 * changes and removals go through MemberRoles, which tells every instance.
 */
export class Members {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly roles: MemberRoles,
  ) {}

  /** The boards the user is a member of, most recently changed first. */
  async boardsOf(userId: string): Promise<MemberBoard[]> {
    const memberships = await this.prisma.boardMember.findMany({
      where: { userId },
      include: { board: true },
      orderBy: { board: { updatedAt: "desc" } },
    });
    return memberships.map(({ board, role }) => ({
      id: board.id,
      title: board.title,
      role: role as Role,
      version: board.version,
      updatedAt: board.updatedAt,
    }));
  }

  /** Everyone on the board, with their role, in the order they joined. */
  async of(boardId: string): Promise<BoardMember[]> {
    const members = await this.prisma.boardMember.findMany({
      where: { boardId },
      include: { user: { select: { id: true, name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    });
    return members.map(({ user, role }) => ({
      userId: user.id,
      name: user.name,
      email: user.email,
      role: role as Role,
    }));
  }

  /**
   * Gives the account with this email `role` on the board (or changes the role it has), and tells
   * every instance. Refused for an unknown email and for the inviting owner themself.
   */
  async invite(
    boardId: string,
    invitedBy: string,
    email: string,
    role: Exclude<Role, "owner">,
  ): Promise<void> {
    const invitee = await this.prisma.user.findUnique({
      where: { email: email.toLowerCase() },
      select: { id: true },
    });
    if (!invitee) {
      throw new MembershipRefused(
        "bad-input",
        `No Rewind account uses ${email}: ask them to sign up first`,
      );
    }
    if (invitee.id === invitedBy) {
      throw new MembershipRefused("bad-input", "You already own this board");
    }
    await this.prisma.boardMember.upsert({
      where: { boardId_userId: { boardId, userId: invitee.id } },
      create: { boardId, userId: invitee.id, role },
      update: { role },
    });
    await this.roles.changed(boardId);
  }
}

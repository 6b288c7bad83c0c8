import { emptyBoard } from "@/board";
import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import type { BatchOutcome, Command, Doc } from "@/sync";
import { replayCompletions } from "@/sync";
import { type Db, PREPARED } from "../../db/database";
import type { HotStatements } from "../../db/hot-statements";
import { type BoardWrite, WriteRows } from "./write-rows";
import { type RowLockWait, writeStatement } from "./write-statement";

export type { BatchMeta, BoardWrite, StoredBatch } from "./write-rows";

/**
 * A board row as its lock holder finds it: the committed version, and the transaction that last
 * wrote the row (its `xmin`). Every write moves the row, so an unchanged `writtenBy` means nobody
 * wrote the board since that transaction.
 */
export interface BoardLock {
  version: number;
  writtenBy: string;
}

/** A board's head read without a lock, with what a turn needs to start from it. */
export interface BoardHead extends BoardLock {
  /** The commands after the version asked for, up to `version`. */
  commands: Command[];
  /** The latest outcome of each client asked for that has one. */
  outcomes: Map<string, BatchOutcome>;
}

export class VersionConflict extends Error {
  override readonly name = "VersionConflict";
}

/** The columns of a stored command that make the command. */
type CommandRow = Pick<
  Prisma.BoardCommandGetPayload<object>,
  "action" | "path" | "props" | "parentDefault" | "createdId" | "actionId" | "label"
>;

export function toCommand(row: CommandRow): Command {
  const completion: Command = {
    action: row.action as Command["action"],
    path: row.path as string[],
  };
  if (row.props !== null) completion.props = row.props as Command["props"];
  if (row.parentDefault !== null)
    completion.parentDefault = row.parentDefault as Command["parentDefault"];
  if (row.createdId !== null) completion.createdId = row.createdId;
  completion.actionId = row.actionId;
  if (row.label !== null) completion.label = row.label;
  return completion;
}

/**
 * A board's persisted history behind the sync engine: every applied command is a row keyed by
 * (board, version), the board row's version is advanced only by a conditional update, checkpoints
 * hold the materialised document every `checkpointEvery` versions, and every batch's outcome is
 * kept by (client, batchSeq) for idempotent retries.
 */
export class BoardStore {
  constructor(
    private readonly prisma: PrismaClient,
    readonly checkpointEvery = 500,
    /** The driver's own path for the write outside a transaction (Database.hot). */
    private readonly hot: HotStatements | null = null,
  ) {}

  /** A new board at version 0 with `{ title, lists: {} }`, owned by `ownerId`. */
  async createBoard(board: { id: string; title: string; ownerId: string }): Promise<void> {
    const document = emptyBoard(board.title);
    await this.prisma.$transaction([
      this.prisma.board.create({
        data: {
          id: board.id,
          title: board.title,
          members: { create: { userId: board.ownerId, role: "owner" } },
        },
      }),
      this.prisma.boardCheckpoint.create({ data: { boardId: board.id, version: 0, document } }),
    ]);
  }

  /** The board's current version and document: the latest checkpoint plus the commands after it. */
  async load(boardId: string): Promise<{ version: number; document: Doc } | null> {
    const board = await this.prisma.board.findUnique({
      where: { id: boardId },
      select: { version: true },
    });
    if (!board) return null;
    return this.documentAt(boardId, board.version);
  }

  /** The document at any stored version (never replays more than `checkpointEvery` commands). */
  async documentAt(
    boardId: string,
    version: number,
    db: Db = this.prisma,
  ): Promise<{ version: number; document: Doc } | null> {
    const checkpoint = await db.boardCheckpoint.findFirst({
      where: { boardId, version: { lte: version } },
      orderBy: { version: "desc" },
    });
    if (!checkpoint) return null;
    const tail = await this.readCommands(boardId, checkpoint.version, version, db);
    const document = replayCompletions(checkpoint.document as Doc, tail);
    if (!document) throw new Error(`History of board ${boardId} does not replay at ${version}`);
    return { version, document };
  }

  /** The stored commands of versions `from + 1 .. to`, in order. */
  async readCommands(
    boardId: string,
    from: number,
    to: number,
    db: Db = this.prisma,
  ): Promise<Command[]> {
    if (to <= from) return [];
    const rows = await db.boardCommand.findMany({
      where: { boardId, version: { gt: from, lte: to } },
      orderBy: { version: "asc" },
    });
    if (rows.length !== to - from) {
      throw new Error(`History of board ${boardId} is missing versions in ${from + 1}..${to}`);
    }
    return rows.map(toCommand);
  }

  /** The board's committed version, or null when there is no such board. */
  async version(boardId: string): Promise<number | null> {
    const board = await this.prisma.board.findUnique({
      where: { id: boardId },
      select: { version: true },
    });
    return board?.version ?? null;
  }

  /** The last recorded outcome of each of these clients that has flushed to the board. */
  async clientOutcomes(
    boardId: string,
    clientIds: string[],
    db: Db = this.prisma,
  ): Promise<Map<string, BatchOutcome>> {
    const rows = await db.$queryRaw<{ clientId: string; outcome: BatchOutcome }[]>`${PREPARED}
      SELECT DISTINCT ON ("clientId") "clientId", outcome FROM board_batch
      WHERE "boardId" = ${boardId} AND "clientId" = ANY(${[...new Set(clientIds)]}::text[])
      ORDER BY "clientId", "batchSeq" DESC`;
    return new Map(rows.map((row) => [row.clientId, row.outcome]));
  }

  /**
   * In one statement (one snapshot): the board's committed version, the transaction that wrote
   * its row last, the commands after `from` up to that version, and the latest outcome of each
   * of `clientIds` (absent: none). Null when there is no such board.
   */
  async head(boardId: string, from: number, clientIds: string[]): Promise<BoardHead | null> {
    const rows = await this.prisma.$queryRaw<
      (BoardLock & { commands: CommandRow[]; outcomes: Record<string, BatchOutcome> })[]
    >`${PREPARED}
      SELECT b.version, b.xmin::text AS "writtenBy",
        (SELECT coalesce(json_agg(json_build_object('action', c.action, 'path', c.path,
            'props', c.props, 'parentDefault', c."parentDefault", 'createdId', c."createdId",
            'actionId', c."actionId", 'label', c.label) ORDER BY c.version), '[]'::json)
          FROM board_command c
          WHERE c."boardId" = b.id AND c.version > ${from} AND c.version <= b.version) AS commands,
        (SELECT coalesce(json_object_agg(o."clientId", o.outcome), '{}'::json)
          FROM (SELECT DISTINCT ON ("clientId") "clientId", outcome FROM board_batch
            WHERE "boardId" = b.id AND "clientId" = ANY(${[...new Set(clientIds)]}::text[])
            ORDER BY "clientId", "batchSeq" DESC) o) AS outcomes
      FROM board b WHERE b.id = ${boardId}`;
    const row = rows[0];
    if (!row) return null;
    const expected = Math.max(0, row.version - from);
    if (row.commands.length !== expected) {
      throw new Error(
        `History of board ${boardId} is missing versions in ${from + 1}..${row.version}`,
      );
    }
    return {
      version: row.version,
      writtenBy: row.writtenBy,
      commands: row.commands.map(toCommand),
      outcomes: new Map(Object.entries(row.outcomes)),
    };
  }

  /**
   * Locks the board's row until the transaction ends and returns its committed version (null: no
   * such board). Writers on every instance take this lock first, so they take turns per board.
   */
  async lockVersion(tx: Prisma.TransactionClient, boardId: string): Promise<BoardLock | null> {
    const rows = await tx.$queryRaw<BoardLock[]>`${PREPARED}
      SELECT version, xmin::text AS "writtenBy" FROM board WHERE id = ${boardId} FOR UPDATE`;
    return rows[0] ?? null;
  }

  /**
   * Writes one board's group in `db` (an open transaction holding the board's lock, or the
   * client: the statement is its own transaction), waiting for the row if another transaction
   * holds it. Throws VersionConflict when the board is no longer as the write expects.
   */
  async write(db: Db, write: BoardWrite): Promise<BoardLock> {
    const [result] = await this.writeRows(db, [write], "wait");
    if (result instanceof VersionConflict || result === undefined) throw result;
    return result;
  }

  /**
   * Writes the groups of several boards (each board at most once) in one statement (group commit
   * across boards). A board whose row another transaction holds is skipped, not waited for.
   * Answers each write, in order, with the board's new lock or a VersionConflict.
   */
  writeBoards(db: Db, writes: BoardWrite[]): Promise<(BoardLock | VersionConflict)[]> {
    return this.writeRows(db, writes, "skip");
  }

  private async writeRows(
    db: Db,
    writes: BoardWrite[],
    lockWait: RowLockWait,
  ): Promise<(BoardLock | VersionConflict)[]> {
    const rows = new WriteRows(this.checkpointEvery, writes);
    const statement = writeStatement(rows, lockWait);
    type Moved = { id: string; writtenBy: string };
    // Outside a transaction, straight through the driver, with its plan kept (Database.hot).
    const moved =
      this.hot && db === this.prisma
        ? await this.hot.query<Moved>(statement)
        : await db.$queryRaw<Moved[]>(statement);
    const written = new Map(moved.map((row) => [row.id, row.writtenBy]));
    return writes.map(({ boardId, fromVersion }, i) => {
      const writtenBy = written.get(boardId);
      if (writtenBy === undefined) {
        return new VersionConflict(`Board ${boardId} is no longer at version ${fromVersion}`);
      }
      return { version: rows.versions[i] as number, writtenBy };
    });
  }
}

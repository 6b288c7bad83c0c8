import { commandTarget, emptyBoard, placeOf } from "@/board";
import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import type { BatchOutcome, Command, Doc, EntryKind } from "@/sync";
import { batchActionId, replayCompletions } from "@/sync";
import { type Db, PREPARED } from "../db/database";
import type { EntryMeta } from "./entries";

/** Who made a batch, stored on each of its commands (the history is authored). */
export interface BatchMeta {
  userId: string;
  clientId: string;
  batchSeq: number;
}

/**
 * One flush's applied commands, as the master produced them, with its idempotency record; or the
 * commands of one undo, redo or restore entry (`entry`, no outcome).
 */
export interface StoredBatch {
  meta: BatchMeta;
  completions: Command[];
  outcome?: BatchOutcome;
  entry?: EntryMeta;
  /** The document before this batch (checkpoints inside the batch are rebuilt from it). */
  before: Doc;
}

/** The action a stored command belongs to: its own, else its batch's (H1). */
function actionOf(command: Command, meta: BatchMeta): string {
  return command.actionId ?? batchActionId(meta);
}

/**
 * A board row as its lock holder finds it: the committed version, and the transaction that last
 * wrote the row (its `xmin`). Every write moves the row, so an unchanged `writtenBy` means nobody
 * wrote the board since that transaction.
 */
export interface BoardLock {
  version: number;
  writtenBy: string;
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
   * Locks the board's row until the transaction ends and returns its committed version (null: no
   * such board). Writers on every instance take this lock first, so they take turns per board.
   */
  async lockVersion(tx: Prisma.TransactionClient, boardId: string): Promise<BoardLock | null> {
    const rows = await tx.$queryRaw<BoardLock[]>`${PREPARED}
      SELECT version, xmin::text AS "writtenBy" FROM board WHERE id = ${boardId} FOR UPDATE`;
    return rows[0] ?? null;
  }

  /**
   * Writes a group of batches at `fromVersion` in `db` (an open transaction holding the board's
   * lock, or the client: the statement is its own transaction): the command rows (the (board,
   * version) key refuses any version written twice), the board's new version (only if still
   * `fromVersion`, and, given `writtenBy`, only if that transaction wrote the row last),
   * each batch's outcome, and a checkpoint when the group crosses a multiple of K.
   */
  async write(
    db: Db,
    boardId: string,
    fromVersion: number,
    batches: StoredBatch[],
    /** When the group happened: the time of its history entries. */
    at: Date = new Date(),
    /** A NOTIFY the transaction carries (delivered when it commits), if any. */
    notify?: { channel: string; payload: string } | null,
    /** Write only if the row still is as this transaction (a BoardLock's) left it. */
    writtenBy?: string | null,
  ): Promise<BoardLock> {
    // Column arrays for one multi-row INSERT (unnest): one round trip and one statement to plan,
    // however many commands the group holds.
    const cols = {
      version: [] as number[],
      action: [] as string[],
      path: [] as string[],
      props: [] as (string | null)[],
      parentDefault: [] as (string | null)[],
      createdId: [] as (string | null)[],
      actionId: [] as string[],
      label: [] as (string | null)[],
      userId: [] as string[],
      clientId: [] as string[],
      batchSeq: [] as number[],
      listId: [] as (string | null)[],
      itemId: [] as (string | null)[],
    };
    let version = fromVersion;
    for (const { meta, completions } of batches) {
      for (const c of completions) {
        version += 1;
        cols.version.push(version);
        cols.action.push(c.action);
        cols.path.push(JSON.stringify(c.path));
        cols.props.push(c.props === undefined ? null : JSON.stringify(c.props));
        cols.parentDefault.push(
          c.parentDefault === undefined ? null : JSON.stringify(c.parentDefault),
        );
        cols.createdId.push(c.createdId ?? null);
        cols.actionId.push(actionOf(c, meta));
        cols.label.push(c.label ?? null);
        cols.userId.push(meta.userId);
        cols.clientId.push(meta.clientId);
        cols.batchSeq.push(meta.batchSeq);
        const target = commandTarget(c);
        cols.listId.push(target.listId);
        cols.itemId.push(target.itemId);
      }
    }
    // The board's title lives in its document; board.list reads the copy on the board row.
    const title = lastRootTitle(batches);
    const entries = entryRows(batches, fromVersion);
    const flushes = batches.filter((b) => b.outcome !== undefined);
    // H7: an undo or redo entry switches its target.
    const switches = entries.filter((e) => e.kind === "undo" || e.kind === "redo");
    const checkpoints = checkpointsIn(batches, fromVersion, this.checkpointEvery);
    // The whole group in one statement (one round trip, one plan): the board's new version (only
    // if still `fromVersion`; everything else is written only then), the command rows (the
    // (board, version) key refuses any version written twice), the batch outcomes (the key
    // refuses a client's latest batch recorded twice; an older batch is refused before, F2, by
    // the outcome read under the board's lock), with each client's older outcomes deleted (only
    // its latest is ever asked for, F4), the
    // history entries (H1: an action continued from an earlier flush of the same author only
    // moves its end), the undone flags an undo or redo switches, the checkpoints the group
    // crosses, and the notification other instances hear once the transaction commits.
    const [result] = await db.$queryRaw<{ moved: number; writtenBy: string }[]>`${PREPARED}
      WITH moved AS (
        UPDATE board SET version = ${version}, title = COALESCE(${title}, title), "updatedAt" = now()
        WHERE id = ${boardId} AND version = ${fromVersion}
          AND (${writtenBy ?? null}::text IS NULL OR xmin::text = ${writtenBy ?? null}::text)
        RETURNING id, xmin::text AS "writtenBy"
      ), commands AS (
        INSERT INTO board_command ("boardId", version, action, path, props, "parentDefault",
          "createdId", "actionId", label, "userId", "clientId", "batchSeq", "listId", "itemId")
        SELECT ${boardId}, v, a, p::jsonb, pr::jsonb, pd::jsonb, ci, ai, l, u, cl, bs, li, ii
        FROM unnest(${cols.version}::int[], ${cols.action}::text[], ${cols.path}::text[],
          ${cols.props}::text[], ${cols.parentDefault}::text[], ${cols.createdId}::text[],
          ${cols.actionId}::text[], ${cols.label}::text[], ${cols.userId}::text[],
          ${cols.clientId}::text[], ${cols.batchSeq}::int[], ${cols.listId}::text[],
          ${cols.itemId}::text[])
          AS t(v, a, p, pr, pd, ci, ai, l, u, cl, bs, li, ii)
        WHERE EXISTS (SELECT FROM moved)
      ), outcomes AS (
        INSERT INTO board_batch ("boardId", "clientId", "batchSeq", outcome)
        SELECT ${boardId}, c, s, o::jsonb
        FROM unnest(${flushes.map((b) => b.meta.clientId)}::text[],
          ${flushes.map((b) => b.meta.batchSeq)}::int[],
          ${flushes.map((b) => JSON.stringify(b.outcome))}::text[]) AS t(c, s, o)
        WHERE EXISTS (SELECT FROM moved)
      ), pruned AS (
        -- A retry only ever concerns a client's latest batch (F4): the older outcomes go.
        DELETE FROM board_batch b
        USING unnest(${flushes.map((b) => b.meta.clientId)}::text[],
          ${flushes.map((b) => b.meta.batchSeq)}::int[]) AS p(c, s)
        WHERE b."boardId" = ${boardId} AND b."clientId" = p.c AND b."batchSeq" < p.s
          AND EXISTS (SELECT FROM moved)
      ), entries AS (
        INSERT INTO board_action ("boardId", "actionId", kind, label, "userId", "fromVersion",
          "toVersion", "targetActionId", "createdAt")
        SELECT ${boardId}, a, k, l, u, f, t, g, ${at.toISOString()}::timestamp(3)
        FROM unnest(${entries.map((r) => r.actionId)}::text[], ${entries.map((r) => r.kind)}::text[],
          ${entries.map((r) => r.label)}::text[], ${entries.map((r) => r.userId)}::text[],
          ${entries.map((r) => r.fromVersion)}::int[], ${entries.map((r) => r.toVersion)}::int[],
          ${entries.map((r) => r.targetActionId)}::text[]) WITH ORDINALITY AS x(a, k, l, u, f, t, g, n)
        WHERE EXISTS (SELECT FROM moved)
        ORDER BY n
        ON CONFLICT ("boardId", "actionId") DO UPDATE SET "toVersion" = EXCLUDED."toVersion"
        WHERE board_action."userId" = EXCLUDED."userId" AND board_action.kind = 'edit'
      ), switched AS (
        UPDATE board_action SET undone = s.undone
        FROM unnest(${switches.map((e) => e.targetActionId)}::text[],
          ${switches.map((e) => e.kind === "undo")}::boolean[]) AS s(target, undone)
        WHERE board_action."boardId" = ${boardId} AND board_action."actionId" = s.target
          AND EXISTS (SELECT FROM moved)
      ), checkpoints AS (
        INSERT INTO board_checkpoint ("boardId", version, document)
        SELECT ${boardId}, v, d::jsonb
        FROM unnest(${checkpoints.map((c) => c.version)}::int[],
          ${checkpoints.map((c) => JSON.stringify(c.document))}::text[]) AS c(v, d)
        WHERE EXISTS (SELECT FROM moved)
      ), notified AS (
        SELECT pg_notify(${notify?.channel ?? null}::text, ${notify?.payload ?? null}::text)
        FROM moved WHERE ${notify?.channel ?? null}::text IS NOT NULL
      )
      SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM notified)::int AS notified,
        (SELECT "writtenBy" FROM moved) AS "writtenBy"`;
    if (result?.moved !== 1) {
      throw new VersionConflict(`Board ${boardId} is no longer at version ${fromVersion}`);
    }
    return { version, writtenBy: result.writtenBy };
  }
}

/** One history entry row per action the group wrote to (H1). */
interface EntryRow {
  actionId: string;
  kind: EntryKind;
  label: string;
  userId: string;
  fromVersion: number;
  toVersion: number;
  targetActionId: string | null;
}

/**
 * The history entries of a group, in order: an entry batch is one entry (even without commands);
 * a flush's commands make one edit entry per action id, spanning its first to its last version.
 */
function entryRows(batches: StoredBatch[], fromVersion: number): EntryRow[] {
  const rows = new Map<string, EntryRow>();
  let version = fromVersion;
  for (const { meta, completions, entry } of batches) {
    if (entry) {
      rows.set(entry.actionId, {
        ...entry,
        userId: meta.userId,
        fromVersion: version,
        toVersion: version + completions.length,
        targetActionId: entry.targetActionId ?? null,
      });
      version += completions.length;
      continue;
    }
    for (const c of completions) {
      const actionId = actionOf(c, meta);
      version += 1;
      const row = rows.get(actionId);
      if (row) row.toVersion = version;
      else
        rows.set(actionId, {
          actionId,
          kind: "edit",
          label: c.label ?? "Edit",
          userId: meta.userId,
          fromVersion: version - 1,
          toVersion: version,
          targetActionId: null,
        });
    }
  }
  return [...rows.values()];
}

/** The title set last by an update of the board's root in these batches, if any. */
function lastRootTitle(batches: StoredBatch[]): string | null {
  let title: string | null = null;
  for (const { completions } of batches) {
    for (const c of completions) {
      if (
        c.action === "update" &&
        placeOf(c.path)?.kind === "board" &&
        typeof c.props?.title === "string"
      ) {
        title = c.props.title;
      }
    }
  }
  return title;
}

/**
 * The document at every multiple of `every` that these batches reach, rebuilt from the document
 * before the batch that crosses it (cost: that batch's commands, once per `every` versions).
 */
function checkpointsIn(batches: StoredBatch[], fromVersion: number, every: number) {
  const checkpoints: { version: number; document: Doc }[] = [];
  let start = fromVersion;
  for (const { completions, before } of batches) {
    const end = start + completions.length;
    for (let m = (Math.floor(start / every) + 1) * every; m <= end; m += every) {
      const document = replayCompletions(before, completions.slice(0, m - start));
      if (!document)
        throw new Error(`Batch does not replay onto its own starting document at ${start}`);
      checkpoints.push({ version: m, document });
    }
    start = end;
  }
  return checkpoints;
}

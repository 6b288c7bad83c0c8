import { commandTarget, emptyBoard, placeOf } from "@/board";
import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import type { BatchOutcome, Command, Doc, EntryKind } from "@/sync";
import { batchActionId, replayCompletions } from "@/sync";
import { type Db, PREPARED } from "../../db/database";
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
    const rows = new WriteColumns(this.checkpointEvery);
    rows.add({ boardId, fromVersion, batches, at, notify, writtenBy });
    const { board, command: cmd, outcome, entry, switched, checkpoint } = rows;
    // One board alone: the statement of writeBoards with the board's id and time as parameters,
    // each part gated on the one row moving (cheaper to run than the multi-board form, in PGlite
    // measurably so). It may wait for the row's lock: the transaction that holds it is, nearly
    // always, another instance's turn, and the write is then refused by its `writtenBy`.
    const [result] = await db.$queryRaw<{ moved: number; writtenBy: string }[]>`${PREPARED}
      WITH moved AS (
        UPDATE board SET version = ${board.to[0]}, title = COALESCE(${board.title[0]}, title), "updatedAt" = now()
        WHERE id = ${boardId} AND version = ${fromVersion}
          AND (${writtenBy ?? null}::text IS NULL OR xmin::text = ${writtenBy ?? null}::text)
        RETURNING id, xmin::text AS "writtenBy"
      ), commands AS (
        INSERT INTO board_command ("boardId", version, action, path, props, "parentDefault",
          "createdId", "actionId", label, "userId", "clientId", "batchSeq", "listId", "itemId")
        SELECT ${boardId}, v, a, p::jsonb, pr::jsonb, pd::jsonb, ci, ai, l, u, cl, bs, li, ii
        FROM unnest(${cmd.version}::int[], ${cmd.action}::text[], ${cmd.path}::text[],
          ${cmd.props}::text[], ${cmd.parentDefault}::text[], ${cmd.createdId}::text[],
          ${cmd.actionId}::text[], ${cmd.label}::text[], ${cmd.userId}::text[],
          ${cmd.clientId}::text[], ${cmd.batchSeq}::int[], ${cmd.listId}::text[],
          ${cmd.itemId}::text[])
          AS t(v, a, p, pr, pd, ci, ai, l, u, cl, bs, li, ii)
        WHERE EXISTS (SELECT FROM moved)
      ), outcomes AS (
        INSERT INTO board_batch ("boardId", "clientId", "batchSeq", outcome)
        SELECT ${boardId}, c, s, o::jsonb
        FROM unnest(${outcome.clientId}::text[],
          ${outcome.batchSeq}::int[],
          ${outcome.outcome}::text[]) AS t(c, s, o)
        WHERE EXISTS (SELECT FROM moved)
      ), pruned AS (
        -- A retry only ever concerns a client's latest batch (F4): the older outcomes go.
        DELETE FROM board_batch b
        USING unnest(${outcome.clientId}::text[],
          ${outcome.batchSeq}::int[]) AS p(c, s)
        WHERE b."boardId" = ${boardId} AND b."clientId" = p.c AND b."batchSeq" < p.s
          AND EXISTS (SELECT FROM moved)
      ), entries AS (
        INSERT INTO board_action ("boardId", "actionId", kind, label, "userId", "fromVersion",
          "toVersion", "targetActionId", "createdAt")
        SELECT ${boardId}, a, k, l, u, f, t, g, ${at.toISOString()}::timestamp(3)
        FROM unnest(${entry.actionId}::text[], ${entry.kind}::text[],
          ${entry.label}::text[], ${entry.userId}::text[],
          ${entry.fromVersion}::int[], ${entry.toVersion}::int[],
          ${entry.targetActionId}::text[]) WITH ORDINALITY AS x(a, k, l, u, f, t, g, n)
        WHERE EXISTS (SELECT FROM moved)
        ORDER BY n
        ON CONFLICT ("boardId", "actionId") DO UPDATE SET "toVersion" = EXCLUDED."toVersion"
        WHERE board_action."userId" = EXCLUDED."userId" AND board_action.kind = 'edit'
      ), switched AS (
        UPDATE board_action SET undone = s.undone
        FROM unnest(${switched.target}::text[],
          ${switched.undone}::boolean[]) AS s(target, undone)
        WHERE board_action."boardId" = ${boardId} AND board_action."actionId" = s.target
          AND EXISTS (SELECT FROM moved)
      ), checkpoints AS (
        INSERT INTO board_checkpoint ("boardId", version, document)
        SELECT ${boardId}, v, d::jsonb
        FROM unnest(${checkpoint.version}::int[],
          ${checkpoint.document}::text[]) AS c(v, d)
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
    return { version: board.to[0] as number, writtenBy: result.writtenBy };
  }

  /**
   * Writes the groups of several boards (each board at most once) in one statement: one round
   * trip, one plan, one commit, whatever the number of boards and commands (group commit across
   * boards). Each board's part is written only if its row is as that write expects (`write`) and
   * not held by another transaction (a write never waits for a row lock); the others are written
   * regardless. Answers each write, in order, with the board's new lock or a VersionConflict.
   */
  async writeBoards(db: Db, writes: BoardWrite[]): Promise<(BoardLock | VersionConflict)[]> {
    const rows = new WriteColumns(this.checkpointEvery);
    for (const write of writes) rows.add(write);
    const { board, command: cmd, outcome, entry, switched, checkpoint, notify } = rows;
    // The whole group in one statement (one round trip, one plan): each board's new version
    // (only if still at the write's `fromVersion`; everything else of that board is written only
    // then), the command rows (the (board, version) key refuses any version written twice), the
    // batch outcomes (the key refuses a client's latest batch recorded twice; an older batch is
    // refused before, F2, by the outcome read under the board's lock), with each client's older
    // outcomes deleted (only its latest is ever asked for, F4), the history entries (H1: an action
    // continued from an earlier flush of the same author only moves its end), the undone flags an
    // undo or redo switches, the checkpoints the group crosses, and the notifications other
    // instances hear once the transaction commits.
    const moved = await db.$queryRaw<{ id: string; writtenBy: string }[]>`${PREPARED}
      WITH moved AS (
        UPDATE board SET version = w.t, title = COALESCE(w.title, board.title), "updatedAt" = now()
        FROM unnest(${board.id}::text[], ${board.from}::int[], ${board.to}::int[],
          ${board.title}::text[], ${board.writtenBy}::text[]) AS w(id, f, t, title, wb)
        WHERE board.id = w.id AND board.version = w.f
          AND (w.wb IS NULL OR board.xmin::text = w.wb)
          -- A row another transaction holds (another instance writing that board right now) is
          -- skipped, not waited for: its write is refused as a conflict and retried under the
          -- lock, and the other boards of the statement do not wait.
          AND board.id IN (SELECT id FROM board WHERE id = ANY(${board.id}::text[])
            FOR UPDATE SKIP LOCKED)
        RETURNING board.id, board.xmin::text AS "writtenBy"
      ), commands AS (
        INSERT INTO board_command ("boardId", version, action, path, props, "parentDefault",
          "createdId", "actionId", label, "userId", "clientId", "batchSeq", "listId", "itemId")
        SELECT b, v, a, p::jsonb, pr::jsonb, pd::jsonb, ci, ai, l, u, cl, bs, li, ii
        FROM unnest(${cmd.boardId}::text[], ${cmd.version}::int[], ${cmd.action}::text[],
          ${cmd.path}::text[], ${cmd.props}::text[], ${cmd.parentDefault}::text[],
          ${cmd.createdId}::text[], ${cmd.actionId}::text[], ${cmd.label}::text[],
          ${cmd.userId}::text[], ${cmd.clientId}::text[], ${cmd.batchSeq}::int[],
          ${cmd.listId}::text[], ${cmd.itemId}::text[])
          AS t(b, v, a, p, pr, pd, ci, ai, l, u, cl, bs, li, ii)
        WHERE b IN (SELECT id FROM moved)
      ), outcomes AS (
        INSERT INTO board_batch ("boardId", "clientId", "batchSeq", outcome)
        SELECT b, c, s, o::jsonb
        FROM unnest(${outcome.boardId}::text[], ${outcome.clientId}::text[],
          ${outcome.batchSeq}::int[], ${outcome.outcome}::text[]) AS t(b, c, s, o)
        WHERE b IN (SELECT id FROM moved)
      ), pruned AS (
        -- A retry only ever concerns a client's latest batch (F4): the older outcomes go.
        DELETE FROM board_batch bb
        USING unnest(${outcome.boardId}::text[], ${outcome.clientId}::text[],
          ${outcome.batchSeq}::int[]) AS p(b, c, s)
        WHERE bb."boardId" = p.b AND bb."clientId" = p.c AND bb."batchSeq" < p.s
          AND p.b IN (SELECT id FROM moved)
      ), entries AS (
        INSERT INTO board_action ("boardId", "actionId", kind, label, "userId", "fromVersion",
          "toVersion", "targetActionId", "createdAt")
        SELECT b, a, k, l, u, f, t, g, at::timestamp(3)
        FROM unnest(${entry.boardId}::text[], ${entry.actionId}::text[], ${entry.kind}::text[],
          ${entry.label}::text[], ${entry.userId}::text[], ${entry.fromVersion}::int[],
          ${entry.toVersion}::int[], ${entry.targetActionId}::text[], ${entry.at}::text[])
          WITH ORDINALITY AS x(b, a, k, l, u, f, t, g, at, n)
        WHERE b IN (SELECT id FROM moved)
        ORDER BY n
        ON CONFLICT ("boardId", "actionId") DO UPDATE SET "toVersion" = EXCLUDED."toVersion"
        WHERE board_action."userId" = EXCLUDED."userId" AND board_action.kind = 'edit'
      ), switched AS (
        UPDATE board_action SET undone = s.undone
        FROM unnest(${switched.boardId}::text[], ${switched.target}::text[],
          ${switched.undone}::boolean[]) AS s(b, target, undone)
        WHERE board_action."boardId" = s.b AND board_action."actionId" = s.target
          AND s.b IN (SELECT id FROM moved)
      ), checkpoints AS (
        INSERT INTO board_checkpoint ("boardId", version, document)
        SELECT b, v, d::jsonb
        FROM unnest(${checkpoint.boardId}::text[], ${checkpoint.version}::int[],
          ${checkpoint.document}::text[]) AS c(b, v, d)
        WHERE b IN (SELECT id FROM moved)
      ), notified AS (
        SELECT pg_notify(ch, pl)
        FROM unnest(${notify.boardId}::text[], ${notify.channel}::text[],
          ${notify.payload}::text[]) AS n(b, ch, pl)
        WHERE b IN (SELECT id FROM moved)
      )
      SELECT id, "writtenBy", (SELECT count(*) FROM notified)::int AS notified FROM moved`;
    const written = new Map(moved.map((row) => [row.id, row.writtenBy]));
    return writes.map(({ boardId, fromVersion }, i) => {
      const writtenBy = written.get(boardId);
      if (writtenBy === undefined) {
        return new VersionConflict(`Board ${boardId} is no longer at version ${fromVersion}`);
      }
      return { version: board.to[i] as number, writtenBy };
    });
  }
}

/** One board's group to write (BoardStore.write's arguments). */
export interface BoardWrite {
  boardId: string;
  fromVersion: number;
  batches: StoredBatch[];
  /** When the group happened: the time of its history entries. */
  at?: Date;
  /** A NOTIFY the transaction carries (delivered when it commits), if any. */
  notify?: { channel: string; payload: string } | null;
  /** Write only if the row still is as this transaction (a BoardLock's) left it. */
  writtenBy?: string | null;
}

/**
 * The rows of a statement writing several boards' groups, as column arrays (each row carries its
 * board's id) for multi-row INSERTs from unnest: one statement to plan, however many boards and
 * commands.
 */
class WriteColumns {
  readonly board = {
    id: [] as string[],
    from: [] as number[],
    to: [] as number[],
    title: [] as (string | null)[],
    writtenBy: [] as (string | null)[],
  };
  readonly command = {
    boardId: [] as string[],
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
  readonly outcome = {
    boardId: [] as string[],
    clientId: [] as string[],
    batchSeq: [] as number[],
    outcome: [] as string[],
  };
  readonly entry = {
    boardId: [] as string[],
    actionId: [] as string[],
    kind: [] as string[],
    label: [] as string[],
    userId: [] as string[],
    fromVersion: [] as number[],
    toVersion: [] as number[],
    targetActionId: [] as (string | null)[],
    at: [] as string[],
  };
  /** H7: an undo or redo entry switches its target. */
  readonly switched = { boardId: [] as string[], target: [] as string[], undone: [] as boolean[] };
  readonly checkpoint = {
    boardId: [] as string[],
    version: [] as number[],
    document: [] as string[],
  };
  readonly notify = { boardId: [] as string[], channel: [] as string[], payload: [] as string[] };

  private readonly boards = new Set<string>();

  constructor(private readonly checkpointEvery: number) {}

  add({ boardId, fromVersion, batches, at = new Date(), notify, writtenBy }: BoardWrite) {
    if (this.boards.has(boardId))
      throw new Error(`Board ${boardId} is written twice in one statement`);
    this.boards.add(boardId);
    let version = fromVersion;
    const cmd = this.command;
    for (const { meta, completions } of batches) {
      for (const c of completions) {
        version += 1;
        cmd.boardId.push(boardId);
        cmd.version.push(version);
        cmd.action.push(c.action);
        cmd.path.push(JSON.stringify(c.path));
        cmd.props.push(c.props === undefined ? null : JSON.stringify(c.props));
        cmd.parentDefault.push(
          c.parentDefault === undefined ? null : JSON.stringify(c.parentDefault),
        );
        cmd.createdId.push(c.createdId ?? null);
        cmd.actionId.push(actionOf(c, meta));
        cmd.label.push(c.label ?? null);
        cmd.userId.push(meta.userId);
        cmd.clientId.push(meta.clientId);
        cmd.batchSeq.push(meta.batchSeq);
        const target = commandTarget(c);
        cmd.listId.push(target.listId);
        cmd.itemId.push(target.itemId);
      }
    }
    // The board's title lives in its document; board.list reads the copy on the board row.
    this.board.id.push(boardId);
    this.board.from.push(fromVersion);
    this.board.to.push(version);
    this.board.title.push(lastRootTitle(batches));
    this.board.writtenBy.push(writtenBy ?? null);
    for (const b of batches) {
      if (b.outcome === undefined) continue;
      this.outcome.boardId.push(boardId);
      this.outcome.clientId.push(b.meta.clientId);
      this.outcome.batchSeq.push(b.meta.batchSeq);
      this.outcome.outcome.push(JSON.stringify(b.outcome));
    }
    for (const e of entryRows(batches, fromVersion)) {
      this.entry.boardId.push(boardId);
      this.entry.actionId.push(e.actionId);
      this.entry.kind.push(e.kind);
      this.entry.label.push(e.label);
      this.entry.userId.push(e.userId);
      this.entry.fromVersion.push(e.fromVersion);
      this.entry.toVersion.push(e.toVersion);
      this.entry.targetActionId.push(e.targetActionId);
      this.entry.at.push(at.toISOString());
      if (e.kind === "undo" || e.kind === "redo") {
        this.switched.boardId.push(boardId);
        this.switched.target.push(e.targetActionId as string);
        this.switched.undone.push(e.kind === "undo");
      }
    }
    for (const c of checkpointsIn(batches, fromVersion, this.checkpointEvery)) {
      this.checkpoint.boardId.push(boardId);
      this.checkpoint.version.push(c.version);
      this.checkpoint.document.push(JSON.stringify(c.document));
    }
    if (notify) {
      this.notify.boardId.push(boardId);
      this.notify.channel.push(notify.channel);
      this.notify.payload.push(notify.payload);
    }
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

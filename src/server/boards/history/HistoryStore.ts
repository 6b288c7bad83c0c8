import type { LoggedTarget } from "@/board/item-story";
import type { PrismaClient } from "@/generated/prisma/client";
import {
  type ActionRecord,
  type Command,
  type Doc,
  type EntryKind,
  earliestToggled,
  type LoggedCommand,
  MAX_REBUILD_REACH,
  type RebuildInput,
} from "@/sync";
import { type Db, PREPARED } from "../../db/database";
import { toCommand } from "../master/BoardStore";

/** A history entry as stored (SPEC H1). */
export interface EntryRecord extends ActionRecord {
  seq: bigint;
  label: string;
  userId: string;
  createdAt: Date;
}

type ActionRow = {
  seq: bigint;
  actionId: string;
  kind: string;
  label: string;
  userId: string;
  fromVersion: number;
  toVersion: number;
  targetActionId: string | null;
  undone: boolean;
  createdAt: Date;
};

function toRecord(row: ActionRow): EntryRecord {
  return { ...row, kind: row.kind as EntryKind };
}

const ACTIONS: EntryKind[] = ["edit", "restore"];

/** The columns a command's story needs (what it did, where, and to what). */
const TARGET_COLUMNS = {
  version: true,
  action: true,
  path: true,
  props: true,
  parentDefault: true,
  createdId: true,
  actionId: true,
  label: true,
  listId: true,
  itemId: true,
} as const;

type TargetRow = Parameters<typeof toCommand>[0] & {
  version: number;
  listId: string | null;
  itemId: string | null;
};

function toLogged(row: TargetRow): LoggedTarget {
  return {
    version: row.version,
    actionId: row.actionId,
    command: toCommand(row),
    listId: row.listId,
    itemId: row.itemId,
  };
}

/** An entry as the timeline shows it: with its commands and its author's name. */
export type TimelineRecord = EntryRecord & { commands: Command[]; userName: string };

/** One deletion, as the bin lists it. */
export interface DeletionRecord {
  version: number;
  actionId: string;
  userId: string;
  createdAt: Date;
  listId: string | null;
  itemId: string | null;
  /** Where the deleted node was. */
  path: string[];
}

/** Reads of a board's history entries: the timeline, the undo and redo stacks, rebuild windows. */
export class HistoryStore {
  constructor(private readonly prisma: PrismaClient) {}

  async entry(
    boardId: string,
    actionId: string,
    db: Db = this.prisma,
  ): Promise<EntryRecord | null> {
    const row = await db.boardAction.findUnique({
      where: { boardId_actionId: { boardId, actionId } },
    });
    return row ? toRecord(row) : null;
  }

  /** H8: the user's latest action that is not undone. */
  async latestUndoable(
    boardId: string,
    userId: string,
    db: Db = this.prisma,
  ): Promise<EntryRecord | null> {
    const row = await db.boardAction.findFirst({
      where: { boardId, userId, kind: { in: ACTIONS }, undone: false },
      orderBy: { seq: "desc" },
    });
    return row ? toRecord(row) : null;
  }

  /**
   * H9: the target of the user's latest undo whose target is still undone, among their undos made
   * after their latest action.
   */
  async latestRedoable(
    boardId: string,
    userId: string,
    db: Db = this.prisma,
  ): Promise<EntryRecord | null> {
    const rows = await db.$queryRaw<ActionRow[]>`
      SELECT t.seq, t."actionId", t.kind, t.label, t."userId", t."fromVersion", t."toVersion",
        t."targetActionId", t.undone, t."createdAt"
      FROM board_action u
      JOIN board_action t ON t."boardId" = u."boardId" AND t."actionId" = u."targetActionId"
      WHERE u."boardId" = ${boardId} AND u."userId" = ${userId} AND u.kind = 'undo' AND t.undone
        AND u.seq > COALESCE((SELECT MAX(seq) FROM board_action
          WHERE "boardId" = ${boardId} AND "userId" = ${userId} AND kind IN ('edit', 'restore')), 0)
      ORDER BY u.seq DESC LIMIT 1`;
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * H3: what rebuilding around `target` needs, up to the board's `head`: the checkpoint at or
   * before the target's first version (moved back while undos and redos in the window switch
   * older actions, up to MAX_REBUILD_REACH), every command after it (from `read`: memory when
   * recent), and the entries that decide which of them are replayed. Cost follows the commands
   * since that checkpoint, plus the few undo, redo and undone entries among them.
   */
  async rebuildWindow(
    boardId: string,
    target: EntryRecord,
    head: number,
    db: Db,
    read: (from: number, to: number) => Promise<Command[]>,
  ): Promise<Omit<RebuildInput, "toggle">> {
    const floor = Math.max(0, target.fromVersion - MAX_REBUILD_REACH);
    let from = target.fromVersion;
    for (;;) {
      const checkpoint = await db.boardCheckpoint.findFirst({
        where: { boardId, version: { lte: from } },
        orderBy: { version: "desc" },
      });
      if (!checkpoint) throw new Error(`Board ${boardId} has no checkpoint at or before ${from}`);
      const baseVersion = checkpoint.version;
      const actions = await this.switchedSince(boardId, baseVersion, db);
      actions.set(target.actionId, target);
      const earlier = earliestToggled(actions, baseVersion, floor);
      if (earlier !== null) {
        from = earlier;
        continue;
      }
      const log: LoggedCommand[] = (await read(baseVersion, head)).map((command, i) => ({
        version: baseVersion + i + 1,
        actionId: command.actionId ?? "",
        command,
      }));
      return { base: checkpoint.document as Doc, baseVersion, log, actions };
    }
  }

  /** The undo and redo entries after `version`, the actions they target, and undone actions. */
  private async switchedSince(
    boardId: string,
    version: number,
    db: Db,
  ): Promise<Map<string, EntryRecord>> {
    const rows = await db.boardAction.findMany({
      where: {
        boardId,
        toVersion: { gt: version },
        OR: [{ undone: true }, { kind: { in: ["undo", "redo"] } }],
      },
    });
    const actions = new Map(rows.map((row) => [row.actionId, toRecord(row)]));
    const targets = [...new Set(rows.map((row) => row.targetActionId))].filter(
      (id): id is string => id !== null && !actions.has(id),
    );
    if (targets.length > 0) {
      const more = await db.boardAction.findMany({ where: { boardId, actionId: { in: targets } } });
      for (const row of more) actions.set(row.actionId, toRecord(row));
    }
    return actions;
  }

  /** The commands of one entry, in order. */
  async commandsOf(boardId: string, actionId: string): Promise<Command[]> {
    const rows = await this.prisma.boardCommand.findMany({
      where: { boardId, actionId },
      orderBy: { version: "asc" },
    });
    return rows.map(toCommand);
  }

  /** The timeline, newest first: `limit` entries before `cursor` (a seq), with their commands. */
  async page(
    boardId: string,
    options: { cursor?: string; limit: number },
  ): Promise<{ entries: TimelineRecord[]; nextCursor: string | null }> {
    const rows = await this.prisma.boardAction.findMany({
      where: { boardId, ...(options.cursor ? { seq: { lt: BigInt(options.cursor) } } : {}) },
      orderBy: { seq: "desc" },
      take: options.limit + 1,
    });
    const page = rows.slice(0, options.limit);
    return {
      entries: await this.withCommands(boardId, page),
      nextCursor: rows.length > options.limit ? String(page[page.length - 1]?.seq) : null,
    };
  }

  /** Entries ending in `from + 1 .. to` (new ones, and actions continued since), oldest first. */
  async since(boardId: string, from: number, to: number): Promise<TimelineRecord[]> {
    const rows = await this.prisma.boardAction.findMany({
      where: { boardId, toVersion: { gt: from, lte: to } },
      orderBy: { seq: "asc" },
    });
    return this.withCommands(boardId, rows);
  }

  /** `rows` with their commands and their authors' names. */
  private async withCommands(boardId: string, rows: ActionRow[]): Promise<TimelineRecord[]> {
    if (rows.length === 0) return [];
    const [commands, names] = await Promise.all([
      this.prisma.boardCommand.findMany({
        where: { boardId, actionId: { in: rows.map((row) => row.actionId) } },
        orderBy: { version: "asc" },
      }),
      this.userNames(rows.map((row) => row.userId)),
    ]);
    const byAction = new Map<string, Command[]>();
    for (const row of commands) {
      const list = byAction.get(row.actionId) ?? [];
      list.push(toCommand(row));
      byAction.set(row.actionId, list);
    }
    return rows.map((row) => ({
      ...toRecord(row),
      commands: byAction.get(row.actionId) ?? [],
      userName: names.get(row.userId) ?? "Someone",
    }));
  }

  /**
   * The commands of items `itemIds` (through the index on what commands target) and their lists'
   * own commands since the first of them (a list deleted, or created again with items in it), in
   * version order: what an item's story is folded from, whatever the board's history length.
   */
  async itemLog(boardId: string, itemIds: string[], db: Db = this.prisma): Promise<LoggedTarget[]> {
    // One statement (one round trip, planned once per connection): the items' commands through
    // board_command_item_idx, and their lists' own through board_command_list_idx.
    const rows = await db.$queryRaw<TargetRow[]>`${PREPARED}
      WITH own AS (
        SELECT version, action, path, props, "parentDefault", "createdId", "actionId", label,
          "listId", "itemId"
        FROM board_command
        WHERE "boardId" = ${boardId} AND "itemId" IS NOT NULL AND "itemId" = ANY(${itemIds}::text[])
      )
      SELECT * FROM own
      UNION ALL
      SELECT version, action, path, props, "parentDefault", "createdId", "actionId", label,
        "listId", "itemId"
      FROM board_command
      WHERE "boardId" = ${boardId} AND "itemId" IS NULL AND "listId" IS NOT NULL
        AND "listId" IN (SELECT DISTINCT "listId" FROM own)
        AND version > (SELECT min(version) FROM own)
      ORDER BY version`;
    return rows.map(toLogged);
  }

  /** Lists `listIds`' own commands (not their items') after `after`, in version order. */
  async listLog(
    boardId: string,
    listIds: string[],
    after = 0,
    db: Db = this.prisma,
  ): Promise<LoggedTarget[]> {
    if (listIds.length === 0) return [];
    const rows = await db.boardCommand.findMany({
      where: { boardId, itemId: null, listId: { in: listIds, not: null }, version: { gt: after } },
      select: TARGET_COLUMNS,
      orderBy: { version: "asc" },
    });
    return rows.map(toLogged);
  }

  /** Entries by action id, with their authors' names (one statement). */
  async entriesOf(
    boardId: string,
    actionIds: string[],
  ): Promise<(EntryRecord & { userName: string })[]> {
    if (actionIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<
      (ActionRow & { userName: string | null })[]
    >`${PREPARED}
      SELECT a.seq, a."actionId", a.kind, a.label, a."userId", a."fromVersion",
        a."toVersion", a."targetActionId", a.undone, a."createdAt", u.name AS "userName"
      FROM board_action a LEFT JOIN "user" u ON u.id = a."userId"
      WHERE a."boardId" = ${boardId} AND a."actionId" = ANY(${actionIds}::text[])`;
    return rows.map(({ userName, ...row }) => ({
      ...toRecord(row),
      userName: userName ?? "Someone",
    }));
  }

  /** Display names by user id. */
  async userNames(userIds: string[]): Promise<Map<string, string>> {
    const users = await this.prisma.user.findMany({
      where: { id: { in: [...new Set(userIds)] } },
      select: { id: true, name: true },
    });
    return new Map(users.map((user) => [user.id, user.name]));
  }

  /** Up to `take` deletions before version `before` (all when absent), newest first. */
  async deletions(boardId: string, before: number | undefined, take: number) {
    const rows = await this.prisma.boardCommand.findMany({
      where: {
        boardId,
        action: "delete",
        ...(before !== undefined ? { version: { lt: before } } : {}),
      },
      select: {
        version: true,
        actionId: true,
        userId: true,
        createdAt: true,
        listId: true,
        itemId: true,
        path: true,
      },
      orderBy: { version: "desc" },
      take,
    });
    return rows.map((row): DeletionRecord => ({ ...row, path: row.path as string[] }));
  }

  /**
   * For each of items `itemIds`: the version of its last own command, and the text and done state
   * its commands last set. One row per item, read through the index on what commands target.
   */
  async lastOfItems(
    boardId: string,
    itemIds: string[],
  ): Promise<Map<string, { last: number; text: string | null; done: boolean | null }>> {
    if (itemIds.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<
      { itemId: string; last: number; text: string | null; done: boolean | null }[]
    >`SELECT "itemId", max(version) AS last,
        (array_agg(props->>'text' ORDER BY version DESC) FILTER (WHERE props ? 'text'))[1] AS text,
        (array_agg((props->>'done')::boolean ORDER BY version DESC)
          FILTER (WHERE props ? 'done'))[1] AS done
      FROM board_command
      WHERE "boardId" = ${boardId} AND "itemId" = ANY(${itemIds}::text[])
      GROUP BY "itemId"`;
    return new Map(rows.map(({ itemId, ...row }) => [itemId, row]));
  }
}

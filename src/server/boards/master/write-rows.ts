import { commandTarget, placeOf } from "@/board";
import type { BatchOutcome, Command, Doc, EntryKind } from "@/sync";
import { batchActionId, replayCompletions } from "@/sync";
import type { EntryMeta } from "./entries";
import { ColumnRows, columnSets, type SqlType } from "./sql-columns";

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

/** One board's group to write. */
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

/** The action a stored command belongs to: its own, else its batch's (H1). */
export function actionOf(command: Command, meta: BatchMeta): string {
  return command.actionId ?? batchActionId(meta);
}

/** The columns of each table a write adds rows to, named once. */
const COLUMNS = {
  board: { id: "text", from: "int", to: "int", title: "text", writtenBy: "text" },
  command: {
    boardId: "text",
    version: "int",
    action: "text",
    path: "jsonb",
    props: "jsonb",
    parentDefault: "jsonb",
    createdId: "text",
    actionId: "text",
    label: "text",
    userId: "text",
    clientId: "text",
    batchSeq: "int",
    listId: "text",
    itemId: "text",
  },
  outcome: { boardId: "text", clientId: "text", batchSeq: "int", outcome: "jsonb" },
  /**
   * Each client's outcome the write replaces: the one before its first batch here (F2: batches
   * are gapless, and only a client's latest outcome is kept).
   */
  replaced: { boardId: "text", clientId: "text", batchSeq: "int" },
  entry: {
    boardId: "text",
    actionId: "text",
    kind: "text",
    label: "text",
    userId: "text",
    fromVersion: "int",
    toVersion: "int",
    targetActionId: "text",
    createdAt: "timestamp",
  },
  /** H7: an undo or redo entry switches its target. */
  switched: { boardId: "text", target: "text", undone: "boolean" },
  checkpoint: { boardId: "text", version: "int", document: "jsonb" },
  notify: { boardId: "text", channel: "text", payload: "text" },
} as const satisfies Record<string, Record<string, SqlType>>;

/**
 * The rows a write adds, table by table, for one board or several (each row names its board).
 */
export class WriteRows {
  readonly board = new ColumnRows(COLUMNS.board);
  readonly command = new ColumnRows(COLUMNS.command);
  readonly outcome = new ColumnRows(COLUMNS.outcome);
  readonly replaced = new ColumnRows(COLUMNS.replaced);
  readonly entry = new ColumnRows(COLUMNS.entry);
  readonly switched = new ColumnRows(COLUMNS.switched);
  readonly checkpoint = new ColumnRows(COLUMNS.checkpoint);
  readonly notify = new ColumnRows(COLUMNS.notify);

  private readonly boards = new Set<string>();

  constructor(
    private readonly checkpointEvery: number,
    writes: BoardWrite[],
  ) {
    for (const write of writes) this.add(write);
  }

  /** The version each write moves its board to, in order. */
  get versions(): readonly number[] {
    return this.board.column("to");
  }

  private add({ boardId, fromVersion, batches, at = new Date(), notify, writtenBy }: BoardWrite) {
    if (this.boards.has(boardId))
      throw new Error(`Board ${boardId} is written twice in one statement`);
    this.boards.add(boardId);
    let version = fromVersion;
    for (const { meta, completions } of batches) {
      for (const c of completions) {
        version += 1;
        const target = commandTarget(c);
        this.command.push({
          boardId,
          version,
          action: c.action,
          path: JSON.stringify(c.path),
          props: c.props === undefined ? null : JSON.stringify(c.props),
          parentDefault: c.parentDefault === undefined ? null : JSON.stringify(c.parentDefault),
          createdId: c.createdId ?? null,
          actionId: actionOf(c, meta),
          label: c.label ?? null,
          userId: meta.userId,
          clientId: meta.clientId,
          batchSeq: meta.batchSeq,
          listId: target.listId,
          itemId: target.itemId,
        });
      }
    }
    // The board's title lives in its document; board.list reads the copy on the board row.
    this.board.push({
      id: boardId,
      from: fromVersion,
      to: version,
      title: lastRootTitle(batches),
      writtenBy: writtenBy ?? null,
    });
    // Only each client's latest outcome is kept (F4 answers the last batch only; an older one
    // is refused, F2): one row per client, replacing the one before its first batch here.
    const latest = new Map<string, { first: number; batchSeq: number; outcome: BatchOutcome }>();
    for (const { meta, outcome } of batches) {
      if (outcome === undefined) continue;
      const { clientId, batchSeq } = meta;
      const first = latest.get(clientId)?.first ?? batchSeq;
      latest.set(clientId, { first, batchSeq, outcome });
    }
    for (const [clientId, { first, batchSeq, outcome }] of latest) {
      this.outcome.push({ boardId, clientId, batchSeq, outcome: JSON.stringify(outcome) });
      this.replaced.push({ boardId, clientId, batchSeq: first - 1 });
    }
    for (const e of entryRows(batches, fromVersion)) {
      this.entry.push({ boardId, ...e, createdAt: at.toISOString() });
      if (e.kind === "undo" || e.kind === "redo") {
        const target = e.targetActionId as string;
        this.switched.push({ boardId, target, undone: e.kind === "undo" });
      }
    }
    for (const c of checkpointsIn(batches, fromVersion, this.checkpointEvery)) {
      this.checkpoint.push({ boardId, version: c.version, document: JSON.stringify(c.document) });
    }
    if (notify) this.notify.push({ boardId, ...notify });
  }
}

/** The tables of a write, for its statement: each reads its rows from the write's WriteRows. */
export const WRITE_TABLES = columnSets<typeof COLUMNS, WriteRows>(COLUMNS);

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
        actionId: entry.actionId,
        kind: entry.kind,
        label: entry.label,
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

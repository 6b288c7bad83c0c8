import { Prisma } from "@/generated/prisma/client";
import { PREPARED } from "../../db/database";
import { StatementTemplate } from "./sql-columns";
import { WRITE_TABLES, type WriteRows } from "./write-rows";

/**
 * How a write treats a board's row that another transaction holds: `wait` for it (one board,
 * whose lock holder is nearly always another instance's turn: the write is then refused by its
 * `writtenBy`), or `skip` that board (several boards: its write is refused as a conflict and
 * retried under the lock, and the statement's other boards do not wait).
 */
export type RowLockWait = "wait" | "skip";

/**
 * The one statement that writes a group of boards (one or many): one round trip, one plan, one
 * commit, whatever the number of boards and commands. Each board's new version is set only if the
 * board is still at the write's `from` (and, given `writtenBy`, only if that transaction wrote the
 * row last); everything else of that board is written only then: the command rows (the (board,
 * version) key refuses any version written twice), the batch outcomes (the key refuses a client's
 * latest batch recorded twice; an older batch is refused before, F2, by the outcome read under the
 * board's lock), with each client's previous outcome deleted (only its latest is ever asked for,
 * F4), the history entries (H1: an action continued from an earlier flush of the same author only
 * moves its end), the undone flags an undo or redo switches (H7), the checkpoints the group
 * crosses, and the notifications other instances hear once the transaction commits.
 * Answers the boards that moved, with the transaction that wrote each (`writtenBy`).
 *
 * Written for one board (`wait`), the board's id and time are sent once, as scalars, and each
 * part is gated on the one row moving: in PGlite a single-board flush measurably pays for arrays
 * it does not need.
 */
export function writeStatement(rows: WriteRows, lockWait: RowLockWait): Prisma.Sql {
  if (lockWait === "wait" && rows.versions.length !== 1) {
    throw new Error("A waiting write is for one board");
  }
  templates[lockWait] ??= new StatementTemplate(buildStatement(lockWait));
  return templates[lockWait].fill(rows);
}

/** The statement of each kind, built at its first write: the text never changes, only values. */
const templates: Partial<Record<RowLockWait, StatementTemplate<WriteRows>>> = {};

function buildStatement(lockWait: RowLockWait): Prisma.Sql {
  const one = lockWait === "wait";
  const tables = WRITE_TABLES;
  const shared = one ? (["boardId"] as const) : [];
  const b = tables.board.table("w", {
    shared: one ? ["id", "from", "to", "title", "writtenBy"] : [],
  });
  const c = tables.command.table("c", { shared: [...shared] });
  const o = tables.outcome.table("o", { shared: [...shared] });
  const p = tables.replaced.table("p", { shared: [...shared] });
  const e = tables.entry.table("e", {
    shared: one ? ["boardId", "createdAt"] : [],
    ordinality: true,
  });
  const s = tables.switched.table("s", { shared: [...shared] });
  const k = tables.checkpoint.table("k", { shared: [...shared] });
  const n = tables.notify.table("n", { shared: [...shared] });
  // One board: each part is written if its one row moved; several: with its own board's row.
  const gate = (boardId: Prisma.Sql) =>
    one ? Prisma.sql`EXISTS (SELECT FROM moved)` : Prisma.sql`${boardId} IN (SELECT id FROM moved)`;
  const moved = one
    ? Prisma.sql`UPDATE board SET version = ${b.ref("to")}, "updatedAt" = now(),
        title = COALESCE(${b.ref("title")}, board.title)
      WHERE board.id = ${b.ref("id")} AND board.version = ${b.ref("from")}
        AND (${b.ref("writtenBy")} IS NULL OR board.xmin::text = ${b.ref("writtenBy")})`
    : Prisma.sql`UPDATE board SET version = w."to", "updatedAt" = now(),
        title = COALESCE(w.title, board.title)
      FROM ${b.from}
      WHERE board.id = w.id AND board.version = w."from"
        AND (w."writtenBy" IS NULL OR board.xmin::text = w."writtenBy")
        -- A row another transaction holds (another instance writing that board right now) is
        -- skipped, not waited for: its write is refused as a conflict and retried under the
        -- lock, and the other boards of the statement do not wait.
        AND board.id IN (SELECT id FROM board WHERE id = ANY(${tables.board.column("id")}::text[])
          FOR UPDATE SKIP LOCKED)`;
  return Prisma.sql`${PREPARED}
    WITH moved AS (
      ${moved}
      RETURNING board.id, board.xmin::text AS "writtenBy"
    ), commands AS (
      INSERT INTO board_command ${tables.command.list()}
      SELECT ${c.select} FROM ${c.from} WHERE ${gate(c.ref("boardId"))}
    ), outcomes AS (
      INSERT INTO board_batch ${tables.outcome.list()}
      SELECT ${o.select} FROM ${o.from} WHERE ${gate(o.ref("boardId"))}
    ), pruned AS (
      -- The outcome each client's new one replaces, by its key: a range (batchSeq below the new
      -- one) would walk every outcome of the client deleted since the table was last vacuumed.
      DELETE FROM board_batch b USING ${p.from}
      WHERE b."boardId" = ${p.ref("boardId")} AND b."clientId" = p."clientId"
        AND b."batchSeq" = p."batchSeq" AND ${gate(p.ref("boardId"))}
    ), entries AS (
      INSERT INTO board_action ${tables.entry.list()}
      SELECT ${e.select} FROM ${e.from} WHERE ${gate(e.ref("boardId"))}
      ORDER BY n
      ON CONFLICT ("boardId", "actionId") DO UPDATE SET "toVersion" = EXCLUDED."toVersion"
      WHERE board_action."userId" = EXCLUDED."userId" AND board_action.kind = 'edit'
    ), switched AS (
      UPDATE board_action SET undone = s.undone FROM ${s.from}
      WHERE board_action."boardId" = ${s.ref("boardId")} AND board_action."actionId" = s.target
        AND ${gate(s.ref("boardId"))}
    ), checkpoints AS (
      INSERT INTO board_checkpoint ${tables.checkpoint.list()}
      SELECT ${k.select} FROM ${k.from} WHERE ${gate(k.ref("boardId"))}
    ), notified AS (
      SELECT pg_notify(n.channel, n.payload) FROM ${n.from} WHERE ${gate(n.ref("boardId"))}
    )
    SELECT id, "writtenBy", (SELECT count(*) FROM notified)::int AS notified FROM moved`;
}

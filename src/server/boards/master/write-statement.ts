import { Prisma } from "@/generated/prisma/client";
import { PREPARED } from "../../db/database";
import type { WriteRows } from "./write-rows";

/**
 * What a write does when another transaction holds a board's row: `wait` for it (one board, whose
 * lock holder is nearly always another instance's turn: the write is then refused by its
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
 * board's lock), with each client's older outcomes deleted (only its latest is ever asked for,
 * F4), the history entries (H1: an action continued from an earlier flush of the same author only
 * moves its end), the undone flags an undo or redo switches (H7), the checkpoints the group
 * crosses, and the notifications other instances hear once the transaction commits.
 * Answers the boards that moved, with the transaction that wrote each (`writtenBy`).
 */
export function writeStatement(rows: WriteRows, lockWait: RowLockWait): Prisma.Sql {
  const { board, command, outcome, entry, switched, checkpoint, notify } = rows;
  const free =
    lockWait === "skip"
      ? Prisma.sql`AND board.id IN (SELECT id FROM board WHERE id = ANY(${board.column("id")}::text[])
            FOR UPDATE SKIP LOCKED)`
      : Prisma.empty;
  return Prisma.sql`${PREPARED}
    WITH moved AS (
      UPDATE board SET version = w."to", title = COALESCE(w.title, board.title), "updatedAt" = now()
      FROM ${board.from("w")}
      WHERE board.id = w.id AND board.version = w."from"
        AND (w."writtenBy" IS NULL OR board.xmin::text = w."writtenBy")
        ${free}
      RETURNING board.id, board.xmin::text AS "writtenBy"
    ), commands AS (
      INSERT INTO board_command ${command.list()}
      SELECT ${command.select()} FROM ${command.from("c")}
      WHERE c."boardId" IN (SELECT id FROM moved)
    ), outcomes AS (
      INSERT INTO board_batch ${outcome.list()}
      SELECT ${outcome.select()} FROM ${outcome.from("o")}
      WHERE o."boardId" IN (SELECT id FROM moved)
    ), pruned AS (
      DELETE FROM board_batch b USING ${outcome.from("o")}
      WHERE b."boardId" = o."boardId" AND b."clientId" = o."clientId" AND b."batchSeq" < o."batchSeq"
        AND o."boardId" IN (SELECT id FROM moved)
    ), entries AS (
      INSERT INTO board_action ${entry.list()}
      SELECT ${entry.select()} FROM ${entry.from("e", { ordinality: true })}
      WHERE e."boardId" IN (SELECT id FROM moved)
      ORDER BY n
      ON CONFLICT ("boardId", "actionId") DO UPDATE SET "toVersion" = EXCLUDED."toVersion"
      WHERE board_action."userId" = EXCLUDED."userId" AND board_action.kind = 'edit'
    ), switched AS (
      UPDATE board_action SET undone = s.undone FROM ${switched.from("s")}
      WHERE board_action."boardId" = s."boardId" AND board_action."actionId" = s.target
        AND s."boardId" IN (SELECT id FROM moved)
    ), checkpoints AS (
      INSERT INTO board_checkpoint ${checkpoint.list()}
      SELECT ${checkpoint.select()} FROM ${checkpoint.from("k")}
      WHERE k."boardId" IN (SELECT id FROM moved)
    ), notified AS (
      SELECT pg_notify(n.channel, n.payload) FROM ${notify.from("n")}
      WHERE n."boardId" IN (SELECT id FROM moved)
    )
    SELECT id, "writtenBy", (SELECT count(*) FROM notified)::int AS notified FROM moved`;
}

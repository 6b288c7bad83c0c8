import type { Command, Doc, EntryKind } from "@/sync";
import type { Db } from "../../db/database";

/** An undo, redo or restore entry (H1): written as one entry, whatever its commands' action ids. */
export interface EntryMeta {
  actionId: string;
  kind: Exclude<EntryKind, "edit">;
  label: string;
  targetActionId?: string;
}

/** What an undo, redo or restore appends, decided with the board locked at its head. */
export interface EntryPlan {
  entry: EntryMeta;
  commands: Command[];
}

/** The board as an entry planner sees it: locked at its head, inside the transaction `tx`. */
export interface LockedBoard {
  version: number;
  document: Doc;
  tx: Db;
  /** Commands of versions `from + 1 .. to` (at most `version`): from memory when recent. */
  read: (from: number, to: number) => Promise<Command[]>;
}

/** Plans an entry for the locked board. */
export type EntryPlanner = (board: LockedBoard) => Promise<EntryPlan>;

/** An entry as appended: where it sits in the log and the commands it applied. */
export interface AppendedEntry {
  entry: EntryMeta;
  fromVersion: number;
  version: number;
  commands: Command[];
  at: Date;
}

/** What the history service needs of the board server: no more, so neither imports the other. */
export interface BoardLog {
  /** The board's committed version, or null when there is no such board. */
  head(boardId: string): Promise<number | null>;
  /** The board's committed version and document (from memory when the board is hot). */
  load(boardId: string): Promise<{ version: number; document: Doc }>;
  /** The document at any stored version (in `db` when given, e.g. a locked transaction). */
  documentAt(
    boardId: string,
    version: number,
    db?: Db,
  ): Promise<{ version: number; document: Doc } | null>;
  /** Appends the entry `plan` decides, in turn with the board's flushes. */
  appendEntry(boardId: string, userId: string, plan: EntryPlanner): Promise<AppendedEntry>;
}

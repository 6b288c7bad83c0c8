import { asBoard, type BoardChange, type BoardDoc, compareBoards } from "@/board";
import { type ItemRestorePlan, planItemRestore, planListRestore } from "@/board/restore-item";
import { type Command, type Doc, diffDocuments, newId, planToggle } from "@/sync";
import type { Db } from "../../db/database";
import { BoardNotFound, HistoryRefused } from "../errors";
import type { AppendedEntry, BoardLog, EntryMeta, LockedBoard } from "../master/entries";
import type { EntryRecord, HistoryStore } from "./HistoryStore";
import { ItemHistory } from "./ItemHistory";
import { type Actor, type HistoryEntry, toEntry } from "./timeline";

export type { Actor, HistoryEntry } from "./timeline";

/** A version past the board's head is refused, naming the field and the limit. */
function refuseBeyondHead(version: number, head: number): void {
  if (version > head) {
    throw new HistoryRefused("bad-input", `version must be at most ${head}, the board's latest`);
  }
}

/**
 * A board's history as people use it: the timeline, the board at any version, and undo, redo and
 * restore, each appended as a new entry (SPEC H1-H11) in turn with the board's flushes.
 */
export class HistoryService {
  /** One item's history, and the bin of what was deleted. */
  readonly items: ItemHistory;

  constructor(
    private readonly boards: BoardLog,
    readonly store: HistoryStore,
  ) {
    this.items = new ItemHistory(boards, store);
  }

  async list(
    boardId: string,
    options: { cursor?: string; limit: number },
  ): Promise<{ entries: HistoryEntry[]; nextCursor: string | null }> {
    const page = await this.store.page(boardId, options);
    return {
      nextCursor: page.nextCursor,
      entries: await this.items.withItemChanges(
        boardId,
        page.entries.map((row) => ({
          ...toEntry(row, { id: row.userId, name: row.userName }),
          commands: row.commands,
        })),
      ),
    };
  }

  /** Entries ending in `from + 1 .. to` (new, or continued since), oldest first: what an open timeline is sent. */
  async since(boardId: string, from: number, to: number): Promise<HistoryEntry[]> {
    const rows = await this.store.since(boardId, from, to);
    return this.items.withItemChanges(
      boardId,
      rows.map((row) => ({
        ...toEntry(row, { id: row.userId, name: row.userName }),
        commands: row.commands,
      })),
    );
  }

  /** H11: the board as it was at `version`. */
  async stateAt(boardId: string, version: number): Promise<{ version: number; document: Doc }> {
    const head = await this.boards.head(boardId);
    if (head === null) throw new BoardNotFound(boardId);
    refuseBeyondHead(version, head);
    const state = await this.boards.documentAt(boardId, version);
    if (!state) throw new BoardNotFound(boardId);
    return state;
  }

  /** What differs between the board at `from` and at `to` (either way round), as changes. */
  async compare(boardId: string, from: number, to: number): Promise<BoardChange[]> {
    const [before, after] = await Promise.all([
      this.stateAt(boardId, from),
      this.stateAt(boardId, to),
    ]);
    return compareBoards(asBoard(before.document), asBoard(after.document));
  }

  /** H8/H9: whether the user has something to undo and to redo. */
  async canUndo(boardId: string, userId: string): Promise<{ undo: boolean; redo: boolean }> {
    const [undo, redo] = await Promise.all([
      this.store.latestUndoable(boardId, userId),
      this.store.latestRedoable(boardId, userId),
    ]);
    return { undo: undo !== null, redo: redo !== null };
  }

  /** H3/H8/H10: undoes `actionId`, or the user's latest action that is not undone. */
  undo(boardId: string, user: Actor, options: { actionId?: string; entryId?: string } = {}) {
    const { actionId } = options;
    return this.toggle(boardId, user, false, options.entryId, async (tx) => {
      const target = actionId
        ? await this.store.entry(boardId, actionId, tx)
        : await this.store.latestUndoable(boardId, user.id, tx);
      if (!target) {
        throw actionId
          ? new HistoryRefused("not-found", `This board has no action ${actionId}`)
          : new HistoryRefused("refused", "Nothing to undo");
      }
      if (target.kind === "undo" || target.kind === "redo") {
        const instead = target.kind === "undo" ? "redo" : "undo";
        throw new HistoryRefused(
          "refused",
          `An ${target.kind} cannot be undone itself: ${instead} the action instead`,
        );
      }
      if (target.undone) {
        throw new HistoryRefused("refused", "That action is already undone");
      }
      return target;
    });
  }

  /** H4/H9: redoes the user's latest undone action. */
  redo(boardId: string, user: Actor, options: { entryId?: string } = {}) {
    return this.toggle(boardId, user, true, options.entryId, async (tx) => {
      const target = await this.store.latestRedoable(boardId, user.id, tx);
      if (!target) throw new HistoryRefused("refused", "Nothing to redo");
      return target;
    });
  }

  /** H6: brings the board back to how it was at `version`, as one new entry. */
  restore(boardId: string, user: Actor, version: number, options: { entryId?: string } = {}) {
    return this.append(
      boardId,
      user,
      "restore",
      options.entryId,
      async ({ version: head, document, tx }) => {
        refuseBeyondHead(version, head);
        const past = await this.boards.documentAt(boardId, version, tx);
        if (!past) throw new BoardNotFound(boardId);
        return {
          label: `Restore version ${version}`,
          commands: diffDocuments(document, past.document),
        };
      },
    );
  }

  /**
   * Brings item `itemId` back to how it was at `version` (its text, done state, list and order),
   * as one restore entry; into the first list when its list is gone (`notice` says so).
   */
  restoreItem(
    boardId: string,
    user: Actor,
    itemId: string,
    version: number,
    options: { entryId?: string } = {},
  ) {
    return this.restorePart(boardId, user, version, options.entryId, (now, past) =>
      planItemRestore(now, past, itemId, version),
    );
  }

  /** Brings list `listId` back, with its items, as it was at `version`, as one restore entry. */
  restoreList(
    boardId: string,
    user: Actor,
    listId: string,
    version: number,
    options: { entryId?: string } = {},
  ) {
    return this.restorePart(boardId, user, version, options.entryId, (now, past) =>
      planListRestore(now, past, listId, version),
    );
  }

  /** A restore entry for part of the board, planned from the board now and at `version`. */
  private async restorePart(
    boardId: string,
    user: Actor,
    version: number,
    entryId: string | undefined,
    planFor: (now: BoardDoc, past: BoardDoc) => ItemRestorePlan,
  ): Promise<{ version: number; entry: HistoryEntry; notice?: string }> {
    let notice: string | undefined;
    const appended = await this.append(boardId, user, "restore", entryId, async (board) => {
      refuseBeyondHead(version, board.version);
      const past = await this.boards.documentAt(boardId, version, board.tx);
      if (!past) throw new BoardNotFound(boardId);
      const plan = planFor(asBoard(board.document), asBoard(past.document));
      if (!plan.ok) throw new HistoryRefused(plan.kind, plan.message);
      notice = plan.notice;
      return { label: plan.label, commands: plan.commands };
    });
    return notice ? { ...appended, notice } : appended;
  }

  /** H3/H4: appends the rebuild with the action `find` picks (with the board locked) put back or left out. */
  private toggle(
    boardId: string,
    user: Actor,
    present: boolean,
    entryId: string | undefined,
    find: (tx: Db) => Promise<EntryRecord>,
  ) {
    return this.append(boardId, user, present ? "redo" : "undo", entryId, async (board) => {
      const target = await find(board.tx);
      const window = await this.store.rebuildWindow(
        boardId,
        target,
        board.version,
        board.tx,
        board.read,
      );
      const commands = planToggle(board.document, {
        ...window,
        toggle: { actionId: target.actionId, present },
      });
      return { label: target.label, targetActionId: target.actionId, commands };
    });
  }

  /**
   * Appends one entry of `kind` planned by `plan` with the board locked. With `entryId` (the id
   * the entry gets), a retry after a lost answer finds the entry already there and returns it
   * instead of acting twice.
   */
  private async append(
    boardId: string,
    user: Actor,
    kind: EntryMeta["kind"],
    entryId: string | undefined,
    plan: (
      board: LockedBoard,
    ) => Promise<Omit<EntryMeta, "actionId" | "kind"> & { commands: Command[] }>,
  ): Promise<{ version: number; entry: HistoryEntry }> {
    const author = { id: user.id, name: user.name };
    try {
      const appended = await this.boards.appendEntry(boardId, user.id, async (board) => {
        if (entryId) {
          const earlier = await this.store.entry(boardId, entryId, board.tx);
          if (earlier) throw new AlreadyAppended(earlier);
        }
        const { commands, ...meta } = await plan(board);
        return { entry: { ...meta, actionId: entryId ?? newId(), kind }, commands };
      });
      return { version: appended.version, entry: appendedEntry(appended, author) };
    } catch (error) {
      if (!(error instanceof AlreadyAppended)) throw error;
      const earlier = error.entry;
      if (earlier.userId !== user.id || earlier.kind !== kind) {
        throw new HistoryRefused("bad-input", "entryId is already taken on this board");
      }
      const commands = await this.store.commandsOf(boardId, earlier.actionId);
      return { version: earlier.toVersion, entry: { ...toEntry(earlier, author), commands } };
    }
  }
}

/** A retried request whose entry is already in the history. */
class AlreadyAppended extends Error {
  constructor(readonly entry: EntryRecord) {
    super(`Entry ${entry.actionId} is already in the history`);
  }
}

function appendedEntry(appended: AppendedEntry, user: Actor): HistoryEntry {
  const { entry, fromVersion, version, at, commands } = appended;
  const row = { ...entry, fromVersion, toVersion: version, createdAt: at, undone: false };
  return { ...toEntry(row, user), commands };
}

import { asBoard, commandTarget } from "@/board";
import { type ItemState, itemChangesByEntry, itemSteps, listTitleAt } from "@/board/item-story";
import { findItem } from "@/board/restore-item";
import type { Command } from "@/sync";
import { HistoryRefused } from "../errors";
import type { BoardLog } from "../master/entries";
import type { DeletionRecord, HistoryStore } from "./HistoryStore";
import { type HistoryEntry, toEntry } from "./timeline";

/** An entry of one item's history: the entry, and the item just before and after it. */
export interface ItemHistoryEntry extends HistoryEntry {
  item: { before: ItemState | null; after: ItemState | null };
}

/** Something deleted and not back: an item, or a list with its items. */
export interface DeletedEntry {
  kind: "item" | "list";
  listId: string;
  itemId?: string;
  /** The item's text, or the list's title, when it was deleted. */
  text: string;
  /** An item's done state when it was deleted. */
  done?: boolean;
  /** The version just before the deletion: restore to it to bring this back. */
  version: number;
  actionId: string;
  user: { id: string; name: string };
  at: Date;
}

interface Page<T> {
  entries: T[];
  nextCursor: string | null;
}

/** Deletions read per round while filling a page of `limit`: most are still deleted. */
const deletionsPerRead = (limit: number) => Math.min(2 * limit + 1, 201);

/**
 * The story of one item and the bin of what was deleted, read from the index of what each
 * command targets: cost follows the item's (or the deletions') commands, not the board's history.
 */
export class ItemHistory {
  constructor(
    private readonly boards: Pick<BoardLog, "load">,
    private readonly store: HistoryStore,
  ) {}

  /** Every entry that touched item `itemId` (in list `listId`, when given), newest first. */
  async entries(
    boardId: string,
    itemId: string,
    options: { cursor?: string; limit: number; listId?: string },
  ): Promise<Page<ItemHistoryEntry>> {
    const log = await this.store.itemLog(boardId, [itemId]);
    const { listId } = options;
    const steps = itemSteps(itemId, log).filter(
      (step) => !listId || step.before?.listId === listId || step.after?.listId === listId,
    );
    if (steps.length === 0) {
      throw new HistoryRefused("not-found", `This board has no item ${itemId}`);
    }
    const changes = itemChangesByEntry(steps);
    const touched = new Set(steps.map((step) => step.version));
    const commands = new Map<string, Command[]>();
    for (const { version, actionId, command } of log) {
      if (!touched.has(version)) continue;
      const list = commands.get(actionId);
      if (list) list.push(command);
      else commands.set(actionId, [command]);
    }
    const cursor = options.cursor === undefined ? null : BigInt(options.cursor);
    const records = (await this.store.entriesOf(boardId, [...changes.keys()]))
      .filter((record) => cursor === null || record.seq < cursor)
      .sort((a, b) => (a.seq < b.seq ? 1 : -1));
    const page = records.slice(0, options.limit);
    return {
      entries: page.map((record) => ({
        ...toEntry(record, { id: record.userId, name: record.userName }),
        commands: commands.get(record.actionId) ?? [],
        item: changes.get(record.actionId) ?? { before: null, after: null },
      })),
      nextCursor: records.length > options.limit ? String(page.at(-1)?.seq) : null,
    };
  }

  /**
   * `entries` with, for each that changed exactly one item, that item just before and after it
   * (`item`), so the timeline can say what changed in it (who was assigned, which label went).
   * One read of those items' own commands: cost follows them, not the board's history.
   */
  async withItemChanges(boardId: string, entries: HistoryEntry[]): Promise<HistoryEntry[]> {
    const single = new Map<HistoryEntry, string>();
    for (const entry of entries) {
      if (entry.kind !== "edit") continue;
      const ids = new Set(entry.commands.map((command) => commandTarget(command).itemId));
      const [only] = ids;
      if (ids.size === 1 && typeof only === "string") single.set(entry, only);
    }
    if (single.size === 0) return entries;
    const itemIds = [...new Set(single.values())];
    const log = await this.store.itemLog(boardId, itemIds);
    const changes = new Map(itemIds.map((id) => [id, itemChangesByEntry(itemSteps(id, log))]));
    return entries.map((entry) => {
      const itemId = single.get(entry);
      const item = itemId ? changes.get(itemId)?.get(entry.actionId) : undefined;
      return item ? { ...entry, item } : entry;
    });
  }

  /**
   * Items and lists deleted and not back, newest first: each deletion that was the last thing to
   * happen to an item (or list) no longer on the board. Pass `nextCursor` back for older ones.
   */
  async deleted(
    boardId: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<DeletedEntry>> {
    const board = asBoard((await this.boards.load(boardId)).document);
    const found: DeletedEntry[] = [];
    let before = options.cursor === undefined ? undefined : Number(options.cursor);
    for (;;) {
      const take = deletionsPerRead(options.limit);
      const rows = await this.store.deletions(boardId, before, take);
      const [items, lists] = await Promise.all([
        this.deletedItems(boardId, rows, (itemId) => findItem(board, itemId) !== null),
        this.deletedLists(boardId, rows, (listId) => board.lists[listId] !== undefined),
      ]);
      found.push(...[...items, ...lists].sort((a, b) => b.version - a.version));
      before = rows.at(-1)?.version;
      if (found.length > options.limit || rows.length < take) break;
    }
    const page = found.slice(0, options.limit);
    const names = await this.store.userNames(page.map((entry) => entry.user.id));
    for (const entry of page) entry.user.name = names.get(entry.user.id) ?? "Someone";
    return {
      entries: page,
      nextCursor: found.length > options.limit ? String((page.at(-1)?.version ?? 0) + 1) : null,
    };
  }

  /** The item deletions among `rows` that are the last thing that happened to an absent item. */
  private async deletedItems(
    boardId: string,
    rows: DeletionRecord[],
    present: (itemId: string) => boolean,
  ): Promise<DeletedEntry[]> {
    const candidates = rows.filter((row) => row.itemId !== null && !present(row.itemId));
    const last = await this.store.lastOfItems(boardId, [
      ...new Set(candidates.map((row) => row.itemId as string)),
    ]);
    return candidates.flatMap((row): DeletedEntry[] => {
      const item = last.get(row.itemId as string);
      if (!item || item.last !== row.version || row.listId === null) return [];
      return [
        {
          kind: "item",
          listId: row.listId,
          itemId: row.itemId as string,
          text: item.text ?? "",
          done: item.done ?? false,
          version: row.version - 1,
          actionId: row.actionId,
          user: { id: row.userId, name: "" },
          at: row.createdAt,
        },
      ];
    });
  }

  /** The list deletions among `rows` that are the last thing that happened to an absent list. */
  private async deletedLists(
    boardId: string,
    rows: DeletionRecord[],
    present: (listId: string) => boolean,
  ): Promise<DeletedEntry[]> {
    const candidates = rows.filter(
      (row) => row.itemId === null && row.listId !== null && row.path.length === 2,
    );
    const ids = [...new Set(candidates.map((row) => row.listId as string))].filter(
      (listId) => !present(listId),
    );
    if (ids.length === 0) return [];
    const log = await this.store.listLog(boardId, ids);
    const out: DeletedEntry[] = [];
    for (const listId of ids) {
      const last = log.filter((entry) => entry.listId === listId).at(-1);
      const row = candidates.find((r) => r.listId === listId && r.version === last?.version);
      if (!row) continue;
      out.push({
        kind: "list",
        listId,
        text: listTitleAt(listId, log, row.version - 1) ?? "",
        version: row.version - 1,
        actionId: row.actionId,
        user: { id: row.userId, name: "" },
        at: row.createdAt,
      });
    }
    return out;
  }
}

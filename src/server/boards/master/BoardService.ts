import type { PrismaClient } from "@/generated/prisma/client";
import type { Command, Doc, FlushRequest, FlushResponse, RemoteChanges } from "@/sync";
import type { Db } from "../../db/database";
import { metrics } from "../../observability/metrics";
import { BoardNotFound } from "../errors";
import type { BoardEvents } from "../live/BoardEvents";
import { membersAmong } from "../members/Members";
import { BoardCommands } from "./BoardCommands";
import { BoardStore } from "./BoardStore";
import { BoardTurns } from "./BoardTurns";
import { BoardWriter } from "./BoardWriter";
import type { AppendedEntry, BoardLog, EntryPlanner } from "./entries";
import type { Job, JobResult } from "./flush-group";
import { GroupCommit } from "./GroupCommit";
import { HotBoards } from "./HotBoards";
import { KeyedSerialRunner } from "./KeyedSerialRunner";
import { type BoardServiceOptions, withDefaults } from "./options";

export type { BoardServiceOptions } from "./options";

/**
 * The master of every board, persisted. Flushes for one board run one group at a time in this
 * process (the keyed serial runner). A group is one statement that writes only if the board's
 * row is still as a known transaction left it: this instance's last write, or the head it just
 * read with the commands another instance wrote (BoardTurns); when that write is refused, it runs
 * in one transaction that first locks the row. Instances sharing a PostgreSQL take turns per
 * board: whoever comes second catches up with the commands the first wrote, then applies its
 * group on top. No version is ever written twice (the (board, version) key would refuse it
 * anyway), and no board waits for another.
 */
export class BoardService implements BoardLog {
  readonly store: BoardStore;
  /** Stored commands between versions, from memory when recent (answers, subscribers). */
  readonly commands: BoardCommands;
  private readonly hot: HotBoards;
  private readonly runner: KeyedSerialRunner<Job, JobResult>;
  private readonly options: Required<Omit<BoardServiceOptions, "groupCommit" | "hot">>;
  private readonly turns: BoardTurns;
  private readonly stopHearing: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    readonly events: BoardEvents,
    options: BoardServiceOptions = {},
  ) {
    this.options = withDefaults(options);
    this.store = new BoardStore(prisma, this.options.checkpointEvery, options.hot ?? null);
    const commits = new GroupCommit(this.store, prisma, options.groupCommit);
    this.turns = new BoardTurns(prisma, this.store);
    this.hot = new HotBoards(this.options);
    this.commands = new BoardCommands(this.hot, this.store);
    const writer = new BoardWriter({
      prisma,
      hot: this.hot,
      store: this.store,
      commits,
      turns: this.turns,
      commands: this.commands,
      events,
      checkpointEvery: this.options.checkpointEvery,
    });
    this.runner = new KeyedSerialRunner(writer.process, 200);
    this.stopHearing = events.subscribeAll(this.hot.heard);
  }

  /** A new board at version 0 with the empty board's document, owned by `ownerId`. */
  create(board: { id: string; title: string; ownerId: string }): Promise<void> {
    return this.store.createBoard(board);
  }

  /** The board's committed version and document (including what other instances wrote). */
  async load(boardId: string): Promise<{ version: number; document: Doc }> {
    const runtime = await this.hot.use(boardId, this.store);
    if (!runtime) throw new BoardNotFound(boardId);
    const head = await this.store.version(boardId);
    if (head === null) throw new BoardNotFound(boardId);
    // The board's serial runner moves the cached board on in place (a flush, an entry) while
    // this reads: take the version and document together, now, and work from that pair.
    const cached = { version: runtime.version, document: runtime.document };
    if (head <= cached.version) return { version: cached.version, document: cached.document };
    // Another instance wrote: answer from the database without touching the cache, which only
    // the board's serial runner changes. Far behind (another instance writes this board, and
    // this one's copy stays where it last wrote it), from the latest checkpoint: a load costs at
    // most `checkpointEvery` commands, not all those written since this instance last wrote.
    if (head - cached.version > this.options.checkpointEvery) {
      const fromCheckpoint = await this.store.documentAt(boardId, head);
      if (fromCheckpoint) return fromCheckpoint;
    }
    const state = await this.turns.advance(boardId, cached, head, this.prisma);
    return { version: state.version, document: state.document };
  }

  /** Applies a flush (once per clientId and batchSeq) and answers it. Throws ProtocolError. */
  async flush(boardId: string, request: FlushRequest, userId: string): Promise<FlushResponse> {
    const stopTimer = metrics.flushSeconds.startTimer();
    // Looked up only for a flush that assigns someone (the others are submitted at once).
    const assigned = new Set(request.commands.flatMap(assigneesOf));
    const members =
      assigned.size > 0 ? await membersAmong(this.prisma, boardId, assigned) : undefined;
    const result = await this.runner.submit(boardId, { kind: "flush", request, userId, members });
    stopTimer();
    if (!result.ok) throw result.error;
    if (!("response" in result)) throw new Error("A flush was answered with an entry");
    if (result.response.errors.length > 0) {
      metrics.refused.inc({ reason: "command" }, result.response.errors.length);
    }
    return result.response;
  }

  /**
   * Appends an undo, redo or restore entry: in turn with the board's flushes, `plan` runs with the
   * board locked at its head and its commands are appended as one entry. Throws HistoryRefused.
   */
  async appendEntry(boardId: string, userId: string, plan: EntryPlanner): Promise<AppendedEntry> {
    const result = await this.runner.submit(boardId, { kind: "entry", userId, plan });
    if (!result.ok) throw result.error;
    if (!("appended" in result)) throw new Error("An entry was answered as a flush");
    return result.appended;
  }

  /** Commands of versions `from + 1 .. to`, from memory when recent, else from the database. */
  commandsBetween(boardId: string, from: number, to: number, db?: Db): Promise<Command[]> {
    return this.commands.between(boardId, from, to, { db });
  }

  /** What a subscriber that has seen `from` is missing up to `to`. */
  changesSince(boardId: string, from: number, to: number): Promise<RemoteChanges> {
    return this.commands.changesSince(boardId, from, to);
  }

  /** The board's committed version, or null when there is no such board. */
  head(boardId: string): Promise<number | null> {
    return this.store.version(boardId);
  }

  /** The document at any stored version (H11). */
  documentAt(
    boardId: string,
    version: number,
    db?: Db,
  ): Promise<{ version: number; document: Doc } | null> {
    return this.store.documentAt(boardId, version, db);
  }

  /** Boards kept in memory right now. */
  get hotBoards(): number {
    return this.hot.size;
  }

  /** Approximate bytes of the boards kept in memory. */
  get hotBytes(): number {
    return this.hot.bytes;
  }

  /** Whether the board is kept in memory (tests of the bound). */
  isHot(boardId: string): boolean {
    return this.hot.peek(boardId) !== undefined;
  }

  /** Finishes the groups queued or running (their flushes are answered), then stops. */
  async close(): Promise<void> {
    this.stopHearing();
    this.hot.close();
    await this.runner.idle();
  }
}

/** The user ids a command's props assign (for the master to look up as members beforehand). */
function assigneesOf(command: Command): string[] {
  const assignees = command.props?.assignees;
  return Array.isArray(assignees) ? assignees.filter((id) => typeof id === "string") : [];
}

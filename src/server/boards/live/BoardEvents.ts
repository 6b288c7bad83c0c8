import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import pg from "pg";
import { backoff } from "@/lib/backoff";
import type { Command } from "@/sync";
import { log } from "../../observability/log";
import { readVersionNotice, VERSION_CHANNEL, versionNotice } from "./version-notice";

/** Tells every server instance that a board reached a new version. */
export interface BoardEvents {
  /** This instance, as the versions it writes name their writer. */
  readonly instance: string;
  /**
   * Whether a writer's transaction carries the notice of its new version (`versionNotice`,
   * delivered by the database when it commits: never lost, never early). When it does not,
   * `announce` sends it.
   */
  readonly notices: boolean;
  /**
   * Called once a write that moved a board is committed (`notified`: its transaction carried the
   * notice): this instance's subscribers hear the version at once, with its commands, without
   * waiting for the database to echo it (they hear it again from the echo; a version no newer
   * than what they have is nothing to them). Every instance, this one too, hears it through
   * `subscribeAll` after the commit, as the database delivers it.
   */
  announce(boardId: string, change: AnnouncedVersion, notified: boolean): Promise<void>;
  /**
   * Calls `listener` with each new version of `boardId` (with its commands when this instance
   * wrote it); returns the unsubscribe function.
   */
  subscribe(boardId: string, listener: VersionOfBoard): () => void;
  /**
   * Calls `listener` with each new version of any board and the instance that wrote it (null:
   * not known, after a gap); returns the unsubscribe function.
   */
  subscribeAll(listener: VersionListener): () => void;
  /** Called after a board's members or their roles changed. */
  publishMembers(boardId: string): Promise<void>;
  /** Calls `listener` with each board whose members changed; returns the unsubscribe function. */
  subscribeMembers(listener: (boardId: string) => void): () => void;
  /** Sends a presence message to every instance (this one included). */
  publishPresence(payload: string): Promise<void>;
  /** Calls `listener` with each presence message; returns the unsubscribe function. */
  subscribePresence(listener: (payload: string) => void): () => void;
  /** Tells every instance (this one included) about an instance: its heartbeat, its leaving. */
  publishInstance(payload: string): Promise<void>;
  /** Calls `listener` with each instance message; returns the unsubscribe function. */
  subscribeInstances(listener: (payload: string) => void): () => void;
  close(): Promise<void>;
}

export type VersionListener = (boardId: string, version: number, writer: string | null) => void;

/** What this instance's writer announces of a version it committed. */
export interface AnnouncedVersion {
  /** The version the commands start from. */
  from: number;
  version: number;
  /** The commands of versions `from + 1 .. version`. */
  commands: Command[];
}

/** A board's new version, with what was announced of it when this instance wrote it. */
export type VersionOfBoard = (version: number, announced?: AnnouncedVersion) => void;

/** Emitter events of their own (a board id never starts with a newline). */
const membersEvent = "\nmembers";
const presenceEvent = "\npresence";
const instanceEvent = "\ninstance";
const versionEvent = "\nversion";

/** One process (PGlite, tests): an in-memory emitter. */
export class LocalBoardEvents implements BoardEvents {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);
  readonly instance = randomUUID();

  readonly notices: boolean = false;

  async announce(boardId: string, change: AnnouncedVersion, _notified: boolean): Promise<void> {
    this.emitter.emit(boardId, change.version, change);
    // Every instance hears it after the commit, as the database would deliver it.
    setImmediate(() => this.emitter.emit(versionEvent, boardId, change.version, this.instance));
  }

  /** A version heard from the database. */
  protected emit(boardId: string, version: number, writer: string | null) {
    this.emitter.emit(boardId, version);
    this.emitter.emit(versionEvent, boardId, version, writer);
  }

  subscribeAll(listener: VersionListener): () => void {
    this.emitter.on(versionEvent, listener);
    return () => this.emitter.off(versionEvent, listener);
  }

  subscribe(boardId: string, listener: VersionOfBoard): () => void {
    this.emitter.on(boardId, listener);
    return () => this.emitter.off(boardId, listener);
  }

  /** Boards someone here listens to. */
  protected boardsWithListeners(): string[] {
    return this.emitter
      .eventNames()
      .filter((name): name is string => typeof name === "string" && !name.startsWith("\n"));
  }

  async publishMembers(boardId: string): Promise<void> {
    this.emitter.emit(membersEvent, boardId);
  }

  protected emitMembers(boardId: string) {
    this.emitter.emit(membersEvent, boardId);
  }

  subscribeMembers(listener: (boardId: string) => void): () => void {
    this.emitter.on(membersEvent, listener);
    return () => this.emitter.off(membersEvent, listener);
  }

  async publishPresence(payload: string): Promise<void> {
    this.emitPresence(payload);
  }

  protected emitPresence(payload: string) {
    this.emitter.emit(presenceEvent, payload);
  }

  subscribePresence(listener: (payload: string) => void): () => void {
    this.emitter.on(presenceEvent, listener);
    return () => this.emitter.off(presenceEvent, listener);
  }

  async publishInstance(payload: string): Promise<void> {
    this.emitInstance(payload);
  }

  protected emitInstance(payload: string) {
    this.emitter.emit(instanceEvent, payload);
  }

  subscribeInstances(listener: (payload: string) => void): () => void {
    this.emitter.on(instanceEvent, listener);
    return () => this.emitter.off(instanceEvent, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const MEMBERS_CHANNEL = "rewind_members";
const PRESENCE_CHANNEL = "rewind_presence";
const INSTANCES_CHANNEL = "rewind_instances";

/** The members event that means "any board": sent after a gap in what this instance heard. */
export const ALL_BOARDS = "*";

/**
 * Several instances on one PostgreSQL: NOTIFY on commit, LISTEN on one dedicated connection per
 * instance. Other instances hear each version through the database; the writer's own subscribers
 * hear it at once (`announce`) and again, harmlessly, through the database.
 *
 * The LISTEN connection comes back on its own after any failure, with backoff. Whatever was
 * announced while it was down is lost, so once it is back every board with subscribers here is
 * told its current version (they catch up from the last version they sent) and every kept role
 * is dropped.
 */
export class PostgresBoardEvents extends LocalBoardEvents {
  /** The LISTEN connection, once listening. */
  private client: pg.Client | null = null;
  /** The connection being opened or open: only its failure counts. */
  private current: pg.Client | null = null;
  private ready: Promise<void> | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Times the LISTEN connection was lost and opened again. */
  reconnects = 0;

  constructor(
    private readonly url: string,
    private readonly retry = { baseMs: 100, maxMs: 5_000 },
  ) {
    super();
  }

  /** Opens the LISTEN connection (lazily, on first use); resolves once listening. */
  private connect(): Promise<void> {
    this.ready ??= this.open();
    return this.ready;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    this.current = client;
    client.on("notification", (message) => {
      if (message.channel === MEMBERS_CHANNEL) {
        if (message.payload) this.emitMembers(message.payload);
        return;
      }
      if (message.channel === PRESENCE_CHANNEL) {
        if (message.payload) this.emitPresence(message.payload);
        return;
      }
      if (message.channel === INSTANCES_CHANNEL) {
        if (message.payload) this.emitInstance(message.payload);
        return;
      }
      const notice = readVersionNotice(message.payload ?? "");
      if (notice) this.emit(notice.boardId, notice.version, notice.writer);
    });
    // Errors after connecting (the backend terminated, the network gone) end the connection.
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${VERSION_CHANNEL}`);
      await client.query(`LISTEN ${MEMBERS_CHANNEL}`);
      await client.query(`LISTEN ${PRESENCE_CHANNEL}`);
      await client.query(`LISTEN ${INSTANCES_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    const wasLost = this.attempt > 0;
    this.client = client;
    this.attempt = 0;
    if (wasLost) await this.catchUp();
  }

  /** The connection failed: forget it and try again after a backoff. */
  private lost(client: pg.Client, error: Error) {
    if (client !== this.current) return; // handled already, or an old connection's echo
    this.current = null;
    this.client = null;
    this.ready = null;
    client.removeAllListeners("end");
    void client.end().catch(() => {});
    if (this.closed) return;
    if (this.attempt === 0) {
      this.reconnects += 1;
      log.warn({ err: error }, "LISTEN connection lost; reconnecting");
    }
    const delay = backoff(this.attempt, this.retry.baseMs, this.retry.maxMs);
    this.attempt += 1;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect().catch(() => {}); // `lost` schedules the next try
    }, delay);
    this.retryTimer.unref();
  }

  /** After a gap: every board with subscribers here hears its current version, roles are dropped. */
  private async catchUp() {
    this.emitMembers(ALL_BOARDS);
    const boards = this.boardsWithListeners();
    if (boards.length === 0 || !this.client) return;
    const { rows } = await this.client.query<{ id: string; version: number }>(
      "SELECT id, version FROM board WHERE id = ANY($1)",
      [boards],
    );
    for (const row of rows) this.emit(row.id, row.version, null);
  }

  override readonly notices = true;

  override async announce(
    boardId: string,
    change: AnnouncedVersion,
    notified: boolean,
  ): Promise<void> {
    this.emitter.emit(boardId, change.version, change);
    if (notified) return; // the others hear it from the commit
    await this.connect();
    const { channel, payload } = versionNotice(boardId, change.version, this.instance);
    await this.client?.query("SELECT pg_notify($1, $2)", [channel, payload]);
  }

  override async publishMembers(boardId: string): Promise<void> {
    await this.connect();
    await this.client?.query("SELECT pg_notify($1, $2)", [MEMBERS_CHANNEL, boardId]);
  }

  override async publishPresence(payload: string): Promise<void> {
    await this.connect();
    await this.client?.query("SELECT pg_notify($1, $2)", [PRESENCE_CHANNEL, payload]);
  }

  override async publishInstance(payload: string): Promise<void> {
    await this.connect();
    await this.client?.query("SELECT pg_notify($1, $2)", [INSTANCES_CHANNEL, payload]);
  }

  override subscribeInstances(listener: (payload: string) => void): () => void {
    void this.connect().catch(() => {}); // retried by `lost`
    return super.subscribeInstances(listener);
  }

  override subscribePresence(listener: (payload: string) => void): () => void {
    void this.connect().catch(() => {}); // retried by `lost`
    return super.subscribePresence(listener);
  }

  override subscribeMembers(listener: (boardId: string) => void): () => void {
    void this.connect().catch(() => {}); // retried by `lost`
    return super.subscribeMembers(listener);
  }

  override subscribe(boardId: string, listener: VersionOfBoard): () => void {
    void this.connect().catch(() => {}); // retried by `lost`
    return super.subscribe(boardId, listener);
  }

  /** Resolves once this instance is listening (tests and the bench wait for it). */
  listening(): Promise<void> {
    return this.connect();
  }

  /** The backend process id of the LISTEN connection (tests terminate it), null when down. */
  async backendPid(): Promise<number | null> {
    if (!this.client) return null;
    const { rows } = await this.client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return rows[0]?.pid ?? null;
  }

  override async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await super.close();
    const client = this.current;
    this.current = null;
    this.client = null;
    this.ready = null;
    client?.removeAllListeners("end");
    await client?.end().catch(() => {});
  }
}

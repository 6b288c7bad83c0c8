import { EventEmitter } from "node:events";
import pg from "pg";

/** Tells every server instance that a board reached a new version. */
export interface BoardEvents {
  /**
   * The notification a writer's transaction carries to announce `version` (delivered by the
   * database when it commits: never lost, never early), or null when the writer announces with
   * `publish` after committing.
   */
  notification(boardId: string, version: number): { channel: string; payload: string } | null;
  /** Called after a board's new commands are committed, when `notification` gave null. */
  publish(boardId: string, version: number): Promise<void>;
  /**
   * Called after a commit whose transaction carried `notification`: tells this instance's
   * subscribers at once, without waiting for the database to echo it (they hear it twice; a
   * version no newer than what they sent is nothing to them).
   */
  announceHere(boardId: string, version: number): void;
  /** Calls `listener` with each new version of `boardId`; returns the unsubscribe function. */
  subscribe(boardId: string, listener: (version: number) => void): () => void;
  /** Called after a board's members or their roles changed. */
  publishMembers(boardId: string): Promise<void>;
  /** Calls `listener` with each board whose members changed; returns the unsubscribe function. */
  subscribeMembers(listener: (boardId: string) => void): () => void;
  close(): Promise<void>;
}

/** The emitter event for a board's members (a board id never starts with a newline). */
const membersEvent = "\nmembers";

/** One process (PGlite, tests): an in-memory emitter. */
export class LocalBoardEvents implements BoardEvents {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  notification(_boardId: string, _version: number): { channel: string; payload: string } | null {
    return null;
  }

  async publish(boardId: string, version: number): Promise<void> {
    this.emit(boardId, version);
  }

  announceHere(boardId: string, version: number): void {
    this.emit(boardId, version);
  }

  protected emit(boardId: string, version: number) {
    this.emitter.emit(boardId, version);
  }

  subscribe(boardId: string, listener: (version: number) => void): () => void {
    this.emitter.on(boardId, listener);
    return () => this.emitter.off(boardId, listener);
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

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const CHANNEL = "rewind_board";
const MEMBERS_CHANNEL = "rewind_members";

/**
 * Several instances on one PostgreSQL: NOTIFY on commit, LISTEN on one dedicated connection per
 * instance. Other instances hear each version through the database; the writer's own subscribers
 * hear it at once (`announceHere`) and again, harmlessly, through the database.
 */
export class PostgresBoardEvents extends LocalBoardEvents {
  private client: pg.Client | null = null;
  private ready: Promise<void> | null = null;

  constructor(private readonly url: string) {
    super();
  }

  /** Opens the LISTEN connection (lazily, on first subscribe or publish). */
  private connect(): Promise<void> {
    this.ready ??= (async () => {
      const client = new pg.Client({ connectionString: this.url });
      client.on("notification", (message) => {
        if (message.channel === MEMBERS_CHANNEL) {
          if (message.payload) this.emitMembers(message.payload);
          return;
        }
        const [boardId, version] = (message.payload ?? "").split("\n");
        if (boardId && version) this.emit(boardId, Number(version));
      });
      client.on("error", (error) => {
        console.error("[board-events] LISTEN connection failed:", error.message);
        this.client = null;
        this.ready = null;
      });
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      await client.query(`LISTEN ${MEMBERS_CHANNEL}`);
      this.client = client;
    })();
    return this.ready;
  }

  override notification(boardId: string, version: number) {
    return { channel: CHANNEL, payload: `${boardId}\n${version}` };
  }

  override async publish(boardId: string, version: number): Promise<void> {
    await this.connect();
    await this.client?.query("SELECT pg_notify($1, $2)", [CHANNEL, `${boardId}\n${version}`]);
  }

  override async publishMembers(boardId: string): Promise<void> {
    await this.connect();
    await this.client?.query("SELECT pg_notify($1, $2)", [MEMBERS_CHANNEL, boardId]);
  }

  override subscribeMembers(listener: (boardId: string) => void): () => void {
    void this.connect().catch((error: Error) => console.error("[board-events]", error.message));
    return super.subscribeMembers(listener);
  }

  override subscribe(boardId: string, listener: (version: number) => void): () => void {
    void this.connect().catch((error: Error) => console.error("[board-events]", error.message));
    return super.subscribe(boardId, listener);
  }

  /** Resolves once this instance is listening (tests and the bench wait for it). */
  listening(): Promise<void> {
    return this.connect();
  }

  override async close(): Promise<void> {
    await super.close();
    await this.client?.end();
    this.client = null;
    this.ready = null;
  }
}

import pg from "pg";
import { HistoryService } from "./boards/history/HistoryService";
import { HistoryStore } from "./boards/history/HistoryStore";
import { type BoardEvents, LocalBoardEvents, PostgresBoardEvents } from "./boards/live/BoardEvents";
import { Presence, type PresenceOptions } from "./boards/live/Presence";
import { BoardService, type BoardServiceOptions } from "./boards/master/BoardService";
import { MemberRoles } from "./boards/members/MemberRoles";
import { Members } from "./boards/members/Members";
import {
  BoardPlacement,
  type Forward,
  type PlacementOptions,
} from "./boards/placement/BoardPlacement";
import { Instances, type InstancesOptions } from "./boards/placement/Instances";
import type { Database } from "./db";
import type { Env } from "./env";
import { DEFAULT_LIMITS, FairUse, type FairUseLimits } from "./fair-use/FairUse";
import { BoardBroadcast } from "./http/BoardBroadcast";
import { metrics } from "./observability/metrics";

/** The services a process runs for one database, built once, here, and handed to every call. */
export interface Services {
  db: Database;
  /** Every board's master, persisted (flush, load, subscribe's catch-up). */
  boards: BoardService;
  /** Which instance writes each board; flushes go there (forwarded when it is another). */
  placement: BoardPlacement;
  /** New versions sent once per board to WebSocket subscribers. */
  broadcast: BoardBroadcast;
  /** Timeline, time travel, undo, redo and restore (SPEC H1-H12). */
  history: HistoryService;
  /** Who has each board open, on every instance. */
  presence: Presence;
  /** Each member's role per board, kept until the board's members change on any instance. */
  roles: MemberRoles;
  /** Who is on each board, the boards each person is on, invitations. */
  members: Members;
  /** How much one page and one person may write, and how many sockets one person keeps open. */
  fairUse: FairUse;
  close(): Promise<void>;
}

export interface ServicesOptions extends BoardServiceOptions {
  /** How instances hear of new versions; by default in-process (PGlite) or LISTEN/NOTIFY. */
  events?: BoardEvents;
  /** Presence heartbeats and expiry across instances. */
  presence?: PresenceOptions;
  /** Fair-use limits (RATE_LIMIT_*); by default DEFAULT_LIMITS. */
  limits?: FairUseLimits;
  /**
   * Flushes forwarded to the instance that writes their board, between instances that show each
   * other `token`; without it, every instance writes what it receives.
   */
  peers?: { token: string; forward: Forward };
  /** Instances' heartbeats and expiry. */
  instances?: InstancesOptions;
  /** How long an instance keeps writing a board its own flushes stopped reaching. */
  placement?: PlacementOptions;
}

/** Builds the services for `db`: the board server, the history on top of it, and presence. */
export function createServices(db: Database, options: ServicesOptions = {}): Services {
  const {
    events: given,
    presence: presenceOptions,
    limits,
    peers,
    instances: instancesOptions,
    placement: placementOptions,
    ...boardOptions
  } = options;
  const events = given ?? defaultEvents(db);
  const boards = new BoardService(db.prisma, events, {
    hot: db.hot,
    ...boardOptions,
    // PGlite runs in this process: there is no round trip or wakeup for boards to share, and a
    // statement of several boards measured slower there than one per board.
    groupCommit: db.kind === "pglite" ? { maxBoards: 1 } : boardOptions.groupCommit,
  });
  const broadcast = new BoardBroadcast(events, boards.commands);
  const instances = new Instances(events, instancesOptions);
  const placement = new BoardPlacement(boards, instances, peers ?? null, placementOptions);
  const history = new HistoryService(boards, new HistoryStore(db.prisma));
  const presence = new Presence(events, presenceOptions);
  const roles = new MemberRoles(db.prisma, events);
  const members = new Members(db.prisma, roles);
  // Instances sharing a PostgreSQL share the counters (a small pool of their own); PGlite is one
  // process, counted in memory.
  const limitsPool =
    db.kind === "postgresql" && db.url ? new pg.Pool({ connectionString: db.url, max: 2 }) : null;
  const fairUse = new FairUse(limits ?? DEFAULT_LIMITS, limitsPool);
  metrics.sources.boardsInMemory = () => boards.hotBoards;
  metrics.sources.boardBytesInMemory = () => boards.hotBytes;
  if (events instanceof PostgresBoardEvents) {
    metrics.sources.listenReconnects = () => events.reconnects;
  }
  return {
    db,
    boards,
    placement,
    broadcast,
    history,
    presence,
    roles,
    members,
    fairUse,
    async close() {
      await instances.close();
      roles.close();
      await limitsPool?.end();
      presence.close();
      await boards.close();
      if (!given) await events.close(); // events handed in belong to the caller
    },
  };
}

function defaultEvents(db: Database): BoardEvents {
  return db.kind === "postgresql" && db.url
    ? new PostgresBoardEvents(db.url)
    : new LocalBoardEvents();
}

/** The services' options as the process's configuration sets them. */
export function servicesOptions(env: Env): ServicesOptions {
  return {
    checkpointEvery: env.CHECKPOINT_EVERY,
    maxBoards: env.HOT_BOARDS_MAX,
    maxBytes: env.HOT_BOARDS_MAX_MB * 1024 * 1024,
    groupCommit: { concurrency: env.COMMIT_STATEMENTS },
    limits: {
      flushesPer10s: env.RATE_LIMIT_FLUSHES,
      commandsPerSecond: env.RATE_LIMIT_COMMANDS_PER_SECOND,
      commandsPerMinute: env.RATE_LIMIT_COMMANDS,
      commandsPerDay: env.RATE_LIMIT_COMMANDS_PER_DAY,
      socketsPerPerson: env.RATE_LIMIT_SOCKETS,
    },
  };
}

import type pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { DomainError } from "../boards/errors";
import { Pace, PaceRefused } from "./Pace";
import { SharedBudget } from "./SharedBudget";

/**
 * How much one client may write. Defaults that a fast typist, a paste of 500 items and the
 * offline queue of a day never meet: a page sends a few flushes a second at most while someone
 * types or drags, and its unsent edits go in flushes of up to 500 commands.
 */
export interface FairUseLimits {
  /** Flushes per 10 s from one connection (a page: its clientId); 0: no limit. */
  flushesPer10s: number;
  /**
   * Commands per second from one person on one instance that go at once; more wait for the next
   * second (up to PACE_MAX_WAIT_MS) rather than being refused; 0: no pace.
   */
  commandsPerSecond: number;
  /** Commands per minute from one person, over all their pages and instances; 0: no limit. */
  commandsPerMinute: number;
  /** Commands per day from one person (a bound on the history one account adds); 0: no limit. */
  commandsPerDay: number;
  /** WebSockets one person keeps open on one instance; 0: no limit. */
  socketsPerPerson: number;
  /** The windows' lengths in seconds, when not 10 s, a minute and a day (tests shorten them). */
  windowSeconds?: { flushes?: number; minute?: number; day?: number };
}

export const DEFAULT_LIMITS: FairUseLimits = {
  flushesPer10s: 200,
  commandsPerSecond: 1_000,
  commandsPerMinute: 5_000,
  commandsPerDay: 100_000,
  socketsPerPerson: 50,
};

/** Over a limit: asked to come back in `retryAfterMs`; nothing of the call was applied. */
export class RateLimited extends DomainError {
  override readonly name = "RateLimited";
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super("too-many", message);
  }
}

interface Limit {
  limiter: RateLimiterMemory;
  /** What the refusal says, e.g. "at most 200 flushes per 10 s from one page". */
  says: string;
}

/** A flush over its person's pace waits at most this long for its turn, then is refused. */
const PACE_MAX_WAIT_MS = 5_000;
/** Flushes of one person that may wait for their pace at once on an instance. */
const PACE_MAX_WAITING = 20;

/** The table rate-limiter-flexible keeps its counters in (prisma/schema.prisma: FairUseCounter). */
const TABLE = "rate_limit";

/**
 * Fair use of a board server, on rate-limiter-flexible: a person's budgets in memory for one
 * process (PGlite), in PostgreSQL when instances share one (`pool`, through SharedBudget: no
 * database round trip in a flush), so they hold whichever instance their calls reach. A page's
 * flushes are counted per page, in memory.
 */
export class FairUse {
  private readonly perConnection: Limit | null;
  /** A person's commands per minute and per day. */
  private readonly budgets: SharedBudget[];
  private readonly pace: Pace | null;
  private readonly sockets = new Map<string, number>();

  constructor(
    readonly limits: FairUseLimits,
    pool: pg.Pool | null = null,
  ) {
    const windows = { flushes: 10, minute: 60, day: 24 * 60 * 60, ...limits.windowSeconds };
    this.perConnection =
      limits.flushesPer10s > 0
        ? {
            limiter: new RateLimiterMemory({
              keyPrefix: "flushes",
              points: limits.flushesPer10s,
              duration: windows.flushes,
            }),
            says: `at most ${limits.flushesPer10s} flushes per ${windows.flushes} s from one page`,
          }
        : null;
    // A person's budgets: in PostgreSQL when instances share one, else in this process.
    const budget = (keyPrefix: string, points: number, duration: number, says: string) => {
      const store = pool
        ? new RateLimiterPostgres({
            storeClient: pool,
            storeType: "pool",
            tableName: TABLE,
            tableCreated: true, // by the migration
            keyPrefix,
            points,
            duration,
            clearExpiredByTimeout: true,
          })
        : new RateLimiterMemory({ keyPrefix, points, duration });
      return new SharedBudget(store, points, duration * 1000, says);
    };
    const { commandsPerMinute: minute, commandsPerDay: day } = limits;
    this.budgets = [
      minute > 0 &&
        budget(
          "commands-minute",
          minute,
          windows.minute,
          `at most ${minute} commands per minute from one person`,
        ),
      day > 0 &&
        budget("commands-day", day, windows.day, `at most ${day} commands per day from one person`),
    ].filter((limit): limit is SharedBudget => limit !== false);
    this.pace =
      limits.commandsPerSecond > 0
        ? new Pace({
            points: limits.commandsPerSecond,
            windowMs: 1000,
            maxWaitMs: PACE_MAX_WAIT_MS,
            maxWaiting: PACE_MAX_WAITING,
          })
        : null;
  }

  /**
   * Counts a flush of `commands` commands by `userId` from the page `clientId`, and holds it
   * while that person is over their pace; throws RateLimited when it is over a limit (the flush
   * is then not applied, and its commands are not counted).
   */
  async flush(userId: string, clientId: string, commands: number): Promise<void> {
    if (this.perConnection) await consume(this.perConnection, `${userId}:${clientId}`, 1);
    if (commands === 0) return;
    // Refused by one window: the windows that took the commands give them back.
    const refused = await SharedBudget.takeEach(this.budgets, userId, commands);
    if (refused) throw refusal(refused.budget.says, refused.waitMs);
    if (!this.pace) return;
    try {
      await this.pace.take(userId, Math.min(commands, this.limits.commandsPerSecond));
    } catch (error) {
      if (!(error instanceof PaceRefused)) throw error;
      for (const budget of this.budgets) budget.giveBack(userId, commands);
      throw refusal(
        `at most ${this.limits.commandsPerSecond} commands per second from one person, and ${PACE_MAX_WAITING} flushes waiting for them`,
        error.retryAfterMs,
      );
    }
  }

  /** Resolves once what this process counted is in the shared counters (tests). */
  async synced(): Promise<void> {
    await Promise.all(this.budgets.map((budget) => budget.synced()));
  }

  /**
   * A WebSocket of `userId` opens: returns the function to call when it closes, or null when
   * that person has as many open on this instance as allowed.
   */
  openSocket(userId: string): (() => void) | null {
    const open = this.sockets.get(userId) ?? 0;
    const most = this.limits.socketsPerPerson;
    if (most > 0 && open >= most) return null;
    this.sockets.set(userId, open + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = (this.sockets.get(userId) ?? 1) - 1;
      if (left > 0) this.sockets.set(userId, left);
      else this.sockets.delete(userId);
    };
  }
}

async function consume(limit: Limit, key: string, points: number): Promise<void> {
  try {
    await limit.limiter.consume(key, points);
  } catch (result) {
    if (!(result instanceof RateLimiterRes)) throw result;
    throw refusal(limit.says, result.msBeforeNext);
  }
}

function refusal(says: string, waitMs: number): RateLimited {
  const retryAfterMs = Math.max(1, Math.ceil(waitMs));
  return new RateLimited(
    `Slow down: ${says}; try again in ${(retryAfterMs / 1000).toFixed(1)} s`,
    retryAfterMs,
  );
}

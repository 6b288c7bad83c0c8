import { LRUCache } from "lru-cache";
import type { Db } from "../db/database";
import { log } from "../observability/log";
import type { AuthSession } from "./create-auth";

export interface SessionCacheOptions {
  /** How long a verified session is trusted without asking the database again (≤ 5 minutes). */
  ttlMs?: number;
  /** How often the sessions of open sockets are checked against the database. */
  watchEveryMs?: number;
  /** Cached sessions at most (the least recently used go first). */
  maxEntries?: number;
  now?: () => number;
}

/** A long-lived connection's claim on a session, ended when the session is. */
export interface SessionWatch {
  session: AuthSession;
  stop(): void;
}

/** The session cookie's value in a Cookie header (better-auth's `…session_token`), or null. */
export function sessionCookie(headers: Headers): string | null {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name?.endsWith("session_token")) return value.join("=") || null;
  }
  return null;
}

/**
 * Sessions verified once and trusted briefly, so a call does not read the session from the
 * database every time: keyed by the signed cookie value (the same credential better-auth
 * verified), each kept for `ttlMs` at most and never past the session's own expiry.
 *
 * Sockets authenticate once, at the upgrade, and then `watch` their session: every
 * `watchEveryMs` one query checks the sessions of all open sockets, and a session that was signed
 * out or expired ends its sockets' access (and leaves the cache) within that time.
 */
export class SessionCache {
  /** Verified sessions by cookie value, each until its own time (lru-cache: max and ttl). */
  private readonly entries: LRUCache<string, AuthSession>;
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly timer: ReturnType<typeof setInterval>;
  private checking = false;

  constructor(
    private readonly verify: (headers: Headers) => Promise<AuthSession | null>,
    private readonly db: Db,
    options: SessionCacheOptions = {},
  ) {
    this.ttlMs = Math.min(options.ttlMs ?? 60_000, 5 * 60_000);
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache({
      max: options.maxEntries ?? 10_000,
      ttl: this.ttlMs,
      perf: { now: this.now },
    });
    this.timer = setInterval(() => void this.checkWatched(), options.watchEveryMs ?? 1000);
    this.timer.unref();
  }

  /** The session these headers' cookie names, from the cache when verified recently. */
  async get(headers: Headers): Promise<AuthSession | null> {
    const key = sessionCookie(headers);
    if (!key) return null;
    const hit = this.entries.get(key);
    if (hit) return hit;
    const session = await this.verify(headers);
    if (session) {
      // Trusted for ttlMs at most, and never past the session's own expiry.
      const ttl = Math.min(this.ttlMs, new Date(session.session.expiresAt).getTime() - this.now());
      if (ttl > 0) this.entries.set(key, session, { ttl });
    }
    return session;
  }

  /** Calls `onEnd` once `session` is signed out or expires (checked every `watchEveryMs`). */
  watch(session: AuthSession, onEnd: () => void): SessionWatch {
    const token = session.session.token;
    let callbacks = this.watchers.get(token);
    if (!callbacks) {
      callbacks = new Set();
      this.watchers.set(token, callbacks);
    }
    callbacks.add(onEnd);
    return {
      session,
      stop: () => {
        callbacks.delete(onEnd);
        if (callbacks.size === 0 && this.watchers.get(token) === callbacks) {
          this.watchers.delete(token);
        }
      },
    };
  }

  /** Sockets watching a session right now. */
  get watched(): number {
    let count = 0;
    for (const callbacks of this.watchers.values()) count += callbacks.size;
    return count;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** One query for every watched session; those gone end their watchers and leave the cache. */
  private async checkWatched(): Promise<void> {
    if (this.checking || this.watchers.size === 0) return;
    this.checking = true;
    try {
      const tokens = [...this.watchers.keys()];
      const alive = await this.db.session.findMany({
        where: { token: { in: tokens }, expiresAt: { gt: new Date(this.now()) } },
        select: { token: true },
      });
      const living = new Set(alive.map((row) => row.token));
      for (const token of tokens) {
        if (living.has(token)) continue;
        const callbacks = this.watchers.get(token);
        this.watchers.delete(token);
        for (const [key, session] of this.entries.entries()) {
          if (session.session.token === token) this.entries.delete(key);
        }
        for (const onEnd of callbacks ?? []) onEnd();
      }
    } catch (error) {
      // The database is away: sockets keep their session until the next check succeeds.
      log.warn({ err: error }, "could not check open sessions");
    } finally {
      this.checking = false;
    }
  }
}

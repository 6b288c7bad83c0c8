import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** Over the pace and its waiting room full, or a wait longer than allowed: come back then. */
export class PaceRefused {
  constructor(readonly retryAfterMs: number) {}
}

export interface PaceOptions {
  /** Points (commands) let through per window; a take must be at most this. */
  points: number;
  /** The window's length in ms (1 s: a pace per second). */
  windowMs: number;
  /** Longest a take waits before it is refused. */
  maxWaitMs: number;
  /** Takes of one key that may wait at once; one more is refused. */
  maxWaiting: number;
}

/**
 * Paces a key's points (a person's commands on this instance): up to `points` a window go at
 * once, more wait for the next window instead of being refused, so a legitimate burst (an
 * offline queue, a paste) only waits a moment while a client writing as fast as it can is
 * spread out and cannot take the process from everyone else. Counted in memory by
 * rate-limiter-flexible (its RateLimiterQueue does the waiting too, but keeps a queue for every
 * key it ever saw).
 */
export class Pace {
  private readonly limiter: RateLimiterMemory;
  private readonly waiting = new Map<string, number>();

  constructor(private readonly options: PaceOptions) {
    this.limiter = new RateLimiterMemory({
      keyPrefix: "pace",
      points: options.points,
      duration: options.windowMs / 1000,
    });
  }

  /** Resolves once `points` of `key` may go; rejects with PaceRefused when it would wait too long. */
  async take(key: string, points: number): Promise<void> {
    const deadline = performance.now() + this.options.maxWaitMs;
    let waiter = false;
    try {
      for (;;) {
        let wait: number;
        try {
          await this.limiter.consume(key, points);
          return;
        } catch (result) {
          if (!(result instanceof RateLimiterRes)) throw result;
          // A refused take is counted in its window; that window is waited out anyway.
          wait = Math.max(1, result.msBeforeNext);
        }
        if (!waiter) {
          const queued = this.waiting.get(key) ?? 0;
          if (queued >= this.options.maxWaiting) throw new PaceRefused(wait);
          this.waiting.set(key, queued + 1);
          waiter = true;
        }
        if (performance.now() + wait > deadline) throw new PaceRefused(wait);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    } finally {
      if (waiter) {
        const left = (this.waiting.get(key) ?? 1) - 1;
        if (left > 0) this.waiting.set(key, left);
        else this.waiting.delete(key);
      }
    }
  }
}

import { backoff } from "./backoff";

/**
 * A session's one scheduled piece of work (a newer one replaces it), and the delays between
 * retries: doubling from `baseMs` up to `maxMs`, with jitter (lib/backoff), from the first again
 * once an answer comes.
 */
export class RetryTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Runs `work` in `delay` ms, instead of whatever was scheduled before. */
  schedule(work: () => Promise<void>, delay: number): void {
    this.stop();
    this.timer = setTimeout(() => void work(), delay);
  }

  /** How long to wait before the next retry. */
  nextDelay(): number {
    return backoff(this.failures++, this.baseMs, this.maxMs);
  }

  /** An answer came: the next retry waits the first delay again. */
  answered(): void {
    this.failures = 0;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

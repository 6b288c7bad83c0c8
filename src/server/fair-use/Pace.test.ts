import { describe, expect, it } from "vitest";
import { Pace, PaceRefused } from "./Pace";

const settled = (promise: Promise<unknown>) => {
  const state = { done: false, error: null as unknown };
  promise.then(
    () => {
      state.done = true;
    },
    (error: unknown) => {
      state.error = error;
    },
  );
  return state;
};

describe("Pace", () => {
  it("lets a window's points go at once and holds more until the next window", async () => {
    const pace = new Pace({ points: 10, windowMs: 300, maxWaitMs: 5_000, maxWaiting: 5 });
    const started = performance.now();
    await pace.take("ada", 6);
    await pace.take("ada", 4);
    expect(performance.now() - started).toBeLessThan(100);
    const third = settled(pace.take("ada", 5));
    // Another person's points are their own.
    await pace.take("bob", 10);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third).toEqual({ done: false, error: null });
    await expect.poll(() => third.done, { timeout: 3_000 }).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("refuses with the wait when too many takes of one key wait already", async () => {
    const pace = new Pace({ points: 10, windowMs: 1_000, maxWaitMs: 5_000, maxWaiting: 2 });
    await pace.take("ada", 10);
    const waiting = [settled(pace.take("ada", 10)), settled(pace.take("ada", 10))];
    const refused = await pace.take("ada", 10).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PaceRefused);
    expect((refused as PaceRefused).retryAfterMs).toBeGreaterThan(0);
    expect((refused as PaceRefused).retryAfterMs).toBeLessThanOrEqual(1_000);
    // The two that wait go, one a window.
    await expect.poll(() => waiting.filter((w) => w.done).length, { timeout: 5_000 }).toBe(2);
  });

  it("refuses a take that would wait longer than maxWaitMs", async () => {
    const pace = new Pace({ points: 10, windowMs: 2_000, maxWaitMs: 100, maxWaiting: 5 });
    await pace.take("ada", 10);
    const refused = await pace.take("ada", 1).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PaceRefused);
    expect((refused as PaceRefused).retryAfterMs).toBeGreaterThan(100);
  });
});

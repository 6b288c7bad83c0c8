import { RateLimiterMemory } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import { SharedBudget } from "./SharedBudget";

/** Instances' budgets on one shared store (rate-limiter-flexible's memory store here). */
function sharedStore(points: number) {
  const store = new RateLimiterMemory({ keyPrefix: "test", points, duration: 60 });
  return () => new SharedBudget(store, points, 60_000);
}

describe("SharedBudget", () => {
  it("takes points until the budget is spent, then answers how long until its window ends", async () => {
    const one = sharedStore(30)();
    expect(await one.take("ada", 20)).toBeNull();
    expect(await one.take("ada", 10)).toBeNull();
    const wait = await one.take("ada", 1);
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await one.take("bob", 30)).toBeNull(); // every key has its own
  });

  it("a refused take is not counted", async () => {
    const one = sharedStore(30)();
    expect(await one.take("ada", 25)).toBeNull();
    expect(await one.take("ada", 10)).not.toBeNull();
    expect(await one.take("ada", 5)).toBeNull();
  });

  it("what one instance counted holds on the other once shared", async () => {
    const instance = sharedStore(30);
    const [one, two] = [instance(), instance()];
    expect(await one.take("ada", 20)).toBeNull();
    await one.synced();
    expect(await two.take("ada", 15)).not.toBeNull(); // 20 + 15 > 30
    expect(await two.take("ada", 10)).toBeNull();
    await two.synced();
    // A third instance, new to the key, reads the total once: 30 taken, nothing left.
    const three = instance();
    expect(await three.take("ada", 1)).not.toBeNull();
  });

  it("points given back (another budget refused the call) are free again", async () => {
    const one = sharedStore(30)();
    expect(await one.take("ada", 25)).toBeNull();
    one.giveBack("ada", 25);
    expect(await one.take("ada", 30)).toBeNull();
  });

  it("takeEach takes from every budget, or from none when one refuses", async () => {
    const [minute, day] = [sharedStore(30)(), sharedStore(50)()];
    expect(await SharedBudget.takeEach([minute, day], "ada", 20)).toBeNull();
    expect((await SharedBudget.takeEach([minute, day], "ada", 20))?.budget).toBe(minute);
    expect((await SharedBudget.takeEach([day, minute], "ada", 20))?.budget).toBe(minute);
    // The refused calls took nothing: 10 left in the minute, 30 in the day.
    expect(await SharedBudget.takeEach([minute, day], "ada", 10)).toBeNull();
    expect(await minute.take("ada", 1)).not.toBeNull();
    expect(await day.take("ada", 20)).toBeNull();
  });
});

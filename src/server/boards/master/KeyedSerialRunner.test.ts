import { describe, expect, it } from "vitest";
import { KeyedSerialRunner } from "./KeyedSerialRunner";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("KeyedSerialRunner", () => {
  it("K1 K2 runs one batch at a time per key and hands over what queued meanwhile as one batch", async () => {
    const batches: string[][] = [];
    let running = 0;
    let maxRunning = 0;
    const runner = new KeyedSerialRunner<string, string>(async (_key, items) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      batches.push(items);
      await tick();
      running--;
      return items.map((item) => item.toUpperCase());
    });
    const first = runner.submit("board", "a");
    while (batches.length === 0) await new Promise((resolve) => setImmediate(resolve)); // started
    const rest = ["b", "c", "d"].map((item) => runner.submit("board", item));
    expect(await Promise.all([first, ...rest])).toEqual(["A", "B", "C", "D"]);
    expect(batches).toEqual([["a"], ["b", "c", "d"]]);
    expect(maxRunning).toBe(1);
    expect(runner.activeKeys).toBe(0);
  });

  it("K2 different keys run in parallel", async () => {
    const log: string[] = [];
    const runner = new KeyedSerialRunner<string, void>(async (key, items) => {
      log.push(`start ${key}`);
      await tick();
      log.push(`end ${key}`);
      return items.map(() => undefined);
    });
    await Promise.all([runner.submit("x", "1"), runner.submit("y", "1")]);
    expect(log.slice(0, 2)).toEqual(["start x", "start y"]);
  });

  it("K1 respects maxBatch and submission order", async () => {
    const batches: number[][] = [];
    const runner = new KeyedSerialRunner<number, number>(async (_key, items) => {
      batches.push(items);
      return items;
    }, 2);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => runner.submit("k", n)));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("K3 a failing batch rejects only its own items; the key keeps working", async () => {
    const runner = new KeyedSerialRunner<string, string>(async (_key, items) => {
      if (items.includes("boom")) throw new Error("database down");
      return items;
    }, 1);
    const outcomes = await Promise.allSettled(
      ["ok1", "boom", "ok2"].map((i) => runner.submit("k", i)),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error("database down"));
  });
});

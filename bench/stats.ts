/** Small helpers for benchmarks: run, collect samples, print medians. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (samples: number[]) => percentile(samples, 50);

export function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Each of `samples` calls of `call`, one after another: its duration in ms. */
export async function timed(samples: number, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await call();
    out.push(performance.now() - start);
  }
  return out;
}

export function report(name: string, value: string, target: string, ok: boolean) {
  console.log(`${ok ? "✓" : "✗"} ${name.padEnd(58)} ${value.padEnd(26)} target ${target}`);
}

/**
 * Runs a benchmark's `main` and exits with its outcome (servers, clusters and sockets it leaves
 * behind would otherwise keep the process alive).
 */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

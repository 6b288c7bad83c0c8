/**
 * A wake-up call for subscription loops: `wait()` resolves at the next `notify()` (or at once if
 * one came since the last wait), or when the subscriber goes away (`signal` aborts).
 */
export function createWakeup(signal: AbortSignal | undefined) {
  let pending = false;
  let resolveWait: (() => void) | null = null;
  signal?.addEventListener("abort", () => resolveWait?.(), { once: true });
  return {
    notify() {
      pending = true;
      resolveWait?.();
    },
    async wait(): Promise<void> {
      if (!pending && !signal?.aborted) {
        await new Promise<void>((resolve) => {
          resolveWait = resolve;
        });
        resolveWait = null;
      }
      pending = false;
    },
  };
}

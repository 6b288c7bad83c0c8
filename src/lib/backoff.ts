/**
 * Exponential backoff with jitter for attempt `n` (0, 1, 2…): `baseMs` doubled each time up to
 * `maxMs`, then a random half to all of it, so clients that failed together do not come back
 * together.
 */
export function backoff(n: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** n);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

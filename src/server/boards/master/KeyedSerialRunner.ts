/**
 * K1-K3: runs work one batch at a time per key (a board id), so a key's work is strictly ordered
 * while different keys proceed in parallel, with no global lock. Items submitted while a key is
 * busy wait and are then handed over together, so the caller can commit them in one transaction
 * (group commit).
 */
export class KeyedSerialRunner<Item, Result> {
  private readonly queues = new Map<
    string,
    { item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }[]
  >();

  /**
   * @param processBatch handles the waiting items of one key, in submission order, and returns one
   *   result per item (same order). If it throws, every item of that batch is rejected with the
   *   error; the key's later batches still run.
   * @param maxBatch at most this many items per batch.
   */
  constructor(
    private readonly processBatch: (key: string, items: Item[]) => Promise<Result[]>,
    private readonly maxBatch = 100,
  ) {}

  /** Queues `item` under `key`; resolves with its result once its batch has been processed. */
  submit(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const waiting = this.queues.get(key);
      if (waiting) {
        waiting.push({ item, resolve, reject });
        return;
      }
      this.queues.set(key, [{ item, resolve, reject }]);
      void this.drain(key);
    });
  }

  /** Keys with work queued or running. */
  get activeKeys(): number {
    return this.queues.size;
  }

  /** Resolves once no key has work queued or running (what was submitted has been answered). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }

  private async drain(key: string): Promise<void> {
    // The queue stays in the map while the key is busy, so new submissions join it.
    const waiting = this.queues.get(key);
    while (waiting && waiting.length > 0) {
      // Let the event loop take in what has arrived (socket messages are separate I/O callbacks)
      // before cutting the batch: work that runs without touching I/O (PGlite executes in
      // process) would otherwise see one request at a time, and commit each on its own.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = waiting.splice(0, this.maxBatch);
      try {
        const results = await this.processBatch(
          key,
          batch.map((entry) => entry.item),
        );
        if (results.length !== batch.length) {
          throw new Error(
            `processBatch returned ${results.length} results for ${batch.length} items`,
          );
        }
        for (const [i, entry] of batch.entries()) entry.resolve(results[i] as Result);
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.queues.delete(key);
  }
}

import type { PrismaClient } from "@/generated/prisma/client";
import {
  applyBatch,
  type BatchOutcome,
  type Completion,
  classifyBatch,
  type Doc,
  type FlushRequest,
  type FlushResponse,
  KeyedSerialRunner,
  type ProtocolError,
  type RemoteChanges,
} from "@/sync";
import type { BoardEvents } from "./BoardEvents";
import { BoardStore, type StoredBatch, VersionConflict } from "./BoardStore";
import { boardRules, countItems } from "./rules";

/** A hot board kept in memory: its state and its most recent completions. */
interface BoardRuntime {
  version: number;
  document: Doc;
  itemCount: number;
  /** Completions of versions recentFrom + 1 .. version. */
  recent: Completion[];
  recentFrom: number;
  lastUsed: number;
}

interface FlushJob {
  request: FlushRequest;
  userId: string;
}

type JobResult = { ok: true; response: FlushResponse } | { ok: false; error: Error };

export interface BoardServiceOptions {
  checkpointEvery?: number;
  /** Completions kept in memory per board for answers and catch-up (older ones come from the database). */
  recentLimit?: number;
  /** A board untouched this long is dropped from memory. */
  idleMs?: number;
  /** Attempts when another instance keeps winning the race for a board's next version. */
  maxAttempts?: number;
}

export class BoardNotFound extends Error {
  override readonly name = "BoardNotFound";
}

/**
 * The master of every board, persisted: flushes for one board run one group at a time (the keyed
 * serial runner), each group is applied in memory and committed in one transaction guarded by the
 * board's version, and subscribers on every instance hear of the new version.
 */
export class BoardService {
  readonly store: BoardStore;
  private readonly runtimes = new Map<string, BoardRuntime>();
  private readonly runner: KeyedSerialRunner<FlushJob, JobResult>;
  private readonly options: Required<BoardServiceOptions>;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(
    prisma: PrismaClient,
    readonly events: BoardEvents,
    options: BoardServiceOptions = {},
  ) {
    this.options = {
      checkpointEvery: options.checkpointEvery ?? 500,
      recentLimit: options.recentLimit ?? 2000,
      idleMs: options.idleMs ?? 10 * 60_000,
      maxAttempts: options.maxAttempts ?? 20,
    };
    this.store = new BoardStore(prisma, this.options.checkpointEvery);
    this.runner = new KeyedSerialRunner((boardId, jobs) => this.processGroup(boardId, jobs), 200);
    this.sweeper = setInterval(() => this.evictIdle(), Math.min(this.options.idleMs, 60_000));
    this.sweeper.unref();
  }

  /** The board's current version and document (fresh from the database if another instance wrote). */
  async load(boardId: string): Promise<{ version: number; document: Doc }> {
    const runtime = await this.runtime(boardId, { refresh: true });
    return { version: runtime.version, document: runtime.document };
  }

  /** Applies a flush (once per clientId and batchSeq) and answers it. Throws ProtocolError. */
  async flush(boardId: string, request: FlushRequest, userId: string): Promise<FlushResponse> {
    const result = await this.runner.submit(boardId, { request, userId });
    if (!result.ok) throw result.error;
    return result.response;
  }

  /** Completions of versions `from + 1 .. to`, from memory when recent, else from the database. */
  async completions(boardId: string, from: number, to: number): Promise<Completion[]> {
    const runtime = this.runtimes.get(boardId);
    if (runtime && from >= runtime.recentFrom && to <= runtime.version) {
      return runtime.recent.slice(from - runtime.recentFrom, to - runtime.recentFrom);
    }
    return this.store.completions(boardId, from, to);
  }

  /** What a subscriber that has seen `from` is missing up to `to`. */
  async changes(boardId: string, from: number, to: number): Promise<RemoteChanges> {
    return { from, completions: await this.completions(boardId, from, to) };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  // ---- internals --------------------------------------------------------------------------------

  private async runtime(boardId: string, { refresh }: { refresh: boolean }): Promise<BoardRuntime> {
    let runtime = this.runtimes.get(boardId);
    if (!runtime) {
      const loaded = await this.store.load(boardId);
      if (!loaded) throw new BoardNotFound(`Board ${boardId} not found`);
      runtime = {
        version: loaded.version,
        document: loaded.document,
        itemCount: countItems(loaded.document),
        recent: [],
        recentFrom: loaded.version,
        lastUsed: Date.now(),
      };
      this.runtimes.set(boardId, runtime);
    } else if (refresh) {
      await this.catchUp(boardId, runtime);
    }
    runtime.lastUsed = Date.now();
    return runtime;
  }

  /** Brings a cached board up to the database's version (another instance wrote), by its commands. */
  private async catchUp(boardId: string, runtime: BoardRuntime): Promise<void> {
    const head = await this.store.version(boardId);
    if (head === null) throw new BoardNotFound(`Board ${boardId} not found`);
    if (head <= runtime.version) return;
    const missing = await this.store.completions(boardId, runtime.version, head);
    const result = applyBatch(runtime.document, runtime.version, missing, { context: {} });
    if (result.errors.length > 0 || result.version !== head) {
      this.runtimes.delete(boardId); // diverged: reload from a checkpoint next time
      await this.runtime(boardId, { refresh: false });
      return;
    }
    runtime.document = result.document;
    runtime.itemCount = countItems(result.document);
    this.remember(runtime, missing, head);
  }

  private remember(runtime: BoardRuntime, completions: Completion[], version: number) {
    runtime.recent.push(...completions);
    runtime.version = version;
    const excess = runtime.recent.length - this.options.recentLimit;
    if (excess > 0) {
      runtime.recent = runtime.recent.slice(excess);
      runtime.recentFrom = version - runtime.recent.length;
    }
  }

  /** One group of flushes for one board: apply in memory, commit once, answer each. */
  private async processGroup(boardId: string, jobs: FlushJob[]): Promise<JobResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tryGroup(boardId, jobs, attempt > 1);
      } catch (error) {
        if (error instanceof BoardNotFound) return jobs.map(() => ({ ok: false, error }));
        if (!(error instanceof VersionConflict) || attempt >= this.options.maxAttempts) throw error;
        // Another instance won the race: catch up with its commands and apply the group again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  private async tryGroup(
    boardId: string,
    jobs: FlushJob[],
    refresh: boolean,
  ): Promise<JobResult[]> {
    const runtime = await this.runtime(boardId, { refresh });
    const known = await this.store.clientOutcomes(
      boardId,
      jobs.map((job) => job.request.clientId),
    );
    const now = new Date();
    let document = runtime.document;
    let version = runtime.version;
    let itemCount = runtime.itemCount;
    const stored: StoredBatch[] = [];
    const plan: (
      | { kind: "answer"; outcome: BatchOutcome; from: number }
      | { kind: "error"; error: Error }
    )[] = [];

    for (const { request, userId } of jobs) {
      const last = known.get(request.clientId);
      let verdict: "apply" | "duplicate";
      try {
        verdict = classifyBatch(last, request.clientId, request.batchSeq);
      } catch (error) {
        plan.push({ kind: "error", error: error as ProtocolError });
        continue;
      }
      if (verdict === "duplicate" && last) {
        plan.push({ kind: "answer", outcome: last, from: request.from });
        continue;
      }
      const context = { userId, now, itemCount };
      const result = applyBatch(document, version, request.commands, {
        interceptor: boardRules,
        context,
      });
      const outcome: BatchOutcome = {
        batchSeq: request.batchSeq,
        from: version,
        count: result.completions.length,
        mappedPaths: result.mappedPaths,
        errors: result.errors,
      };
      stored.push({
        meta: { userId, clientId: request.clientId, batchSeq: request.batchSeq },
        completions: result.completions,
        outcome,
      });
      known.set(request.clientId, outcome);
      plan.push({ kind: "answer", outcome, from: request.from });
      document = result.document;
      version = result.version;
      itemCount = context.itemCount;
    }

    if (stored.length > 0) {
      await this.store.append(boardId, runtime.version, stored, document);
      runtime.document = document;
      runtime.itemCount = itemCount;
      this.remember(
        runtime,
        stored.flatMap((batch) => batch.completions),
        version,
      );
      if (stored.some((batch) => batch.completions.length > 0)) {
        await this.events.publish(boardId, version).catch((error: Error) => {
          // Subscribers catch up from the database at the next version they hear of.
          console.error(`[boards] could not announce ${boardId}@${version}:`, error.message);
        });
      }
    }

    return Promise.all(
      plan.map(async (step): Promise<JobResult> => {
        if (step.kind === "error") return { ok: false, error: step.error };
        return { ok: true, response: await this.answer(boardId, runtime, step.from, step.outcome) };
      }),
    );
  }

  /** S1/S2: the answer to a recorded batch, for a client whose base is at `clientFrom`. */
  private async answer(
    boardId: string,
    runtime: BoardRuntime,
    clientFrom: number,
    outcome: BatchOutcome,
  ): Promise<FlushResponse> {
    const end = outcome.from + outcome.count;
    const applied = {
      from: outcome.from,
      completions: await this.completions(boardId, outcome.from, end),
    };
    const base = { applied, mappedPaths: outcome.mappedPaths, errors: outcome.errors };
    if (clientFrom === end) return { version: end, ...base };
    if (clientFrom < end) {
      const completions = await this.completions(boardId, clientFrom, end);
      return { version: end, ...base, sync: { kind: "diff", from: clientFrom, completions } };
    }
    // The client claims a version this board never reached (or has lost): start it over.
    return {
      version: runtime.version,
      ...base,
      sync: { kind: "snapshot", version: runtime.version, document: runtime.document },
    };
  }

  private evictIdle() {
    const cutoff = Date.now() - this.options.idleMs;
    for (const [boardId, runtime] of this.runtimes) {
      if (runtime.lastUsed < cutoff && this.runner.activeKeys === 0) this.runtimes.delete(boardId);
    }
  }
}

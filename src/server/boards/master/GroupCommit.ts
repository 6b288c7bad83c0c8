import type { Db } from "../../db/database";
import { metrics } from "../../observability/metrics";
import type { BoardLock, BoardStore, BoardWrite } from "./BoardStore";
import { VersionConflict } from "./BoardStore";

interface Pending {
  write: BoardWrite;
  resolve: (lock: BoardLock) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Statements in flight at once; writes that find them all busy wait and go out together. */
  concurrency?: number;
  /** Most boards written by one statement. */
  maxBoards?: number;
}

/**
 * Group commit across boards: each board's group (one board at a time, from its serial runner)
 * is written at once while fewer than `concurrency` statements are in flight; the writes that
 * arrive meanwhile wait and then go out together, as one statement and one commit
 * (BoardStore.writeBoards). Idle, a write costs what it did alone; under load the database's cost
 * per commit (a round trip, the executor's start, the commit) is shared by every board in it.
 * A statement that fails is retried board by board, so one board's error is its own.
 */
export class GroupCommit {
  private readonly waiting: Pending[] = [];
  private inFlight = 0;
  private readonly concurrency: number;
  private readonly maxBoards: number;

  constructor(
    private readonly store: BoardStore,
    private readonly db: Db,
    options: GroupCommitOptions = {},
    /** Called with the number of boards of each statement (by default, the metric). */
    private readonly onStatement: (boards: number) => void = (boards) =>
      metrics.commitBoards.observe(boards),
  ) {
    this.concurrency = options.concurrency ?? 1;
    this.maxBoards = options.maxBoards ?? 100;
  }

  /** Writes one board's group (as BoardStore.write, on its own or with others). */
  write(write: BoardWrite): Promise<BoardLock> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ write, resolve, reject });
      this.next();
    });
  }

  private next() {
    while (this.inFlight < this.concurrency && this.waiting.length > 0) {
      const statement = this.waiting.splice(0, this.maxBoards);
      this.inFlight += 1;
      void this.run(statement).then((answer) => {
        // Free the slot before answering, so a writer that writes again on its answer is counted
        // as arriving after this statement.
        this.inFlight -= 1;
        answer();
        this.next();
      });
    }
  }

  /** Writes the statement's boards; resolves with what answers them. Never rejects. */
  private async run(statement: Pending[]): Promise<() => void> {
    this.onStatement(statement.length);
    if (statement.length === 1) {
      const [{ write, resolve, reject }] = statement as [Pending];
      return this.store.write(this.db, write).then(
        (lock) => () => resolve(lock),
        (error: unknown) => () => reject(error),
      );
    }
    let results: (BoardLock | VersionConflict)[];
    try {
      results = await this.store.writeBoards(
        this.db,
        statement.map((pending) => pending.write),
      );
    } catch {
      // Nothing of the statement was written: each board on its own, so an error stays its own.
      const answers = await Promise.all(statement.map((pending) => this.run([pending])));
      return () => {
        for (const answer of answers) answer();
      };
    }
    return () =>
      statement.forEach(({ resolve, reject }, i) => {
        const result = results[i];
        if (result === undefined) reject(new Error("The statement left a board unanswered"));
        else if (result instanceof VersionConflict) reject(result);
        else resolve(result);
      });
  }
}

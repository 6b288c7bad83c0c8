import type { HotStatements } from "../../db/hot-statements";
import type { GroupCommitOptions } from "./GroupCommit";

export interface BoardServiceOptions {
  checkpointEvery?: number;
  /**
   * Commands kept in memory per board for answers and catch-up (older ones come from the
   * database): at least this many, at most half as many again (the list is trimmed in chunks).
   */
  recentLimit?: number;
  /** A board untouched this long is dropped from memory. */
  idleMs?: number;
  /** Most boards kept in memory; the least recently used go first. */
  maxBoards?: number;
  /** Most approximate bytes of boards kept in memory (documents and recent commands). */
  maxBytes?: number;
  /** How the boards' groups share statements and commits (GroupCommit). */
  groupCommit?: GroupCommitOptions;
  /** The driver's own path for the board write (Database.hot); else Prisma's raw query. */
  hot?: HotStatements | null;
}

/** The options with every default filled in (all but group commit's, which GroupCommit sets). */
export function withDefaults(
  options: BoardServiceOptions,
): Required<Omit<BoardServiceOptions, "groupCommit" | "hot">> {
  return {
    checkpointEvery: options.checkpointEvery ?? 500,
    recentLimit: options.recentLimit ?? 2000,
    idleMs: options.idleMs ?? 10 * 60_000,
    maxBoards: options.maxBoards ?? 1_000,
    maxBytes: options.maxBytes ?? 256 * 1024 * 1024,
  };
}

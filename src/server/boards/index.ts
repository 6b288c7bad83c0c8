import { getDatabase } from "../db";
import { env } from "../env";
import { type BoardEvents, LocalBoardEvents, PostgresBoardEvents } from "./BoardEvents";
import { BoardService } from "./BoardService";

const globalForBoards = globalThis as { __rewindBoards?: Promise<BoardService> };

/** The process's board service (one per process, like the database). */
export function getBoardService(): Promise<BoardService> {
  globalForBoards.__rewindBoards ??= getDatabase().then((database) => {
    const events: BoardEvents =
      database.kind === "postgresql" && database.url
        ? new PostgresBoardEvents(database.url)
        : new LocalBoardEvents();
    return new BoardService(database.prisma, events, {
      checkpointEvery: env().CHECKPOINT_EVERY,
    });
  });
  return globalForBoards.__rewindBoards;
}

export { BoardService } from "./BoardService";
export { BoardNotFound, HistoryRefused } from "./errors";
export type { HistoryEntry } from "./HistoryService";

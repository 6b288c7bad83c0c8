export type { BoardEvents } from "./BoardEvents";
export { BoardService, type BoardServiceOptions } from "./BoardService";
export { BoardNotFound, HistoryRefused } from "./errors";
export type { HistoryEntry, HistoryService } from "./HistoryService";
export type { Presence } from "./Presence";

export { BoardNotFound, HistoryRefused } from "./errors";
export type { HistoryEntry, HistoryService } from "./history/HistoryService";
export type { BoardEvents } from "./live/BoardEvents";
export type { Presence } from "./live/Presence";
export { BoardService, type BoardServiceOptions } from "./master/BoardService";

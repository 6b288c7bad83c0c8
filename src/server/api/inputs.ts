import { z } from "zod";
import { BOARD_LIMITS } from "@/board";
import { LIMITS } from "@/sync";

/** Limits of the API's own inputs (the engine's are LIMITS in src/sync, the board's BOARD_LIMITS). */
export const API_LIMITS = {
  /** Characters of an id named in input (board, action, entry). */
  idLength: LIMITS.segmentLength,
  /** Entries per page of the timeline. */
  historyPage: 100,
  historyPageDefault: 30,
  /** Bytes of one request, an HTTP body or a WebSocket message (a flush: 256 KB of commands). */
  requestBytes: 1024 * 1024,
} as const;

/** An id named in input: a board, an action, an entry. */
export const id = z
  .string()
  .min(1, "must not be empty")
  .max(API_LIMITS.idLength, `must be at most ${API_LIMITS.idLength} characters`);

export const boardId = id;

/** A board title as typed by a person (trimmed). */
export const title = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(BOARD_LIMITS.titleLength, `must be at most ${BOARD_LIMITS.titleLength} characters`);

/** A version of a board (0 is the empty board). */
export const version = z.number().int("must be a whole number").min(0, "must be at least 0");

/** Where a board subscription resumes: the last version (event id) the client got. */
export const lastEventId = z.string().regex(/^\d+$/, "must be a version number").nullish();

import { placeOf } from "@/board";
import type { Doc, FlushRequest, FlushResponse, ProxyEvent, RemoteChanges } from "@/sync";
import type { BoardCache } from "./device/BoardCache";
import type { LoadAnswer } from "./device/DeviceCopy";
import type { UndoRedoState, UndoTransport } from "./UndoRedo";

/** How a session reaches the server; the app passes tRPC calls, tests pass a fake. */
export interface BoardTransport extends UndoTransport {
  load(): Promise<{ version: number; document: Doc }>;
  /** What changed after `since` (a version the device has), or the whole board. */
  catchUp(since: number): Promise<LoadAnswer>;
  flush(request: FlushRequest): Promise<FlushResponse>;
  /**
   * Pushes others' changes from `lastEventId` (a version) on; `onError` when the server ends the
   * stream with a refusal. Returns a stop function.
   */
  subscribe(
    lastEventId: number,
    onData: (changes: RemoteChanges) => void,
    onError?: (error: unknown) => void,
  ): () => void;
}

/**
 * Why a call failed, as far as the session cares ("offline": no answer, outcome unknown;
 * "outdated": the server speaks another protocol, the page must be reloaded).
 */
export type FailureKind =
  | "offline"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "refused"
  | "outdated"
  /** Over the server's fair-use limit: nothing applied, send again after its retryAfterMs. */
  | "slowed";

export type SyncStatus =
  | { kind: "loading" }
  | { kind: "saved" }
  | { kind: "saving"; unsaved: number }
  | { kind: "offline"; unsaved: number }
  | { kind: "slowed"; unsaved: number }
  | { kind: "not-found" }
  | { kind: "outdated" };

export interface BoardAlert {
  id: number;
  message: string;
}

/** What a view renders; a new object whenever anything in it changes. */
export interface BoardSnapshot {
  document: Doc | null;
  status: SyncStatus;
  alerts: BoardAlert[];
  /** What the person can undo and redo, and whether an undo or redo is on its way. */
  undoRedo: UndoRedoState;
}

export const NOTHING_TO_UNDO: UndoRedoState = { undo: false, redo: false, busy: false };

export interface BoardSessionOptions {
  boardId: string;
  userId: string;
  transport: BoardTransport;
  classify(error: unknown): FailureKind;
  /** For a "slowed" failure: when the server said to send again, in ms. */
  retryAfterMs?(error: unknown): number | null;
  /**
   * The board kept on this device (IndexedDB in the browser): painted at once when it opens, the
   * version a catch-up starts from, and where unsent edits survive a reload or a closed tab.
   */
  cache?: BoardCache;
  /**
   * Web Locks (navigator.locks): each open tab holds a lock named after its client id, so a tab
   * adopts only the unsent edits of tabs that are gone, never those of a tab still open.
   */
  locks?: LockManager | null;
  /**
   * Sends queued edits this long after the last one (default 0: at once when no flush is in
   * flight; edits made while one is in flight go in the next).
   */
  flushDelayMs?: number;
  /** First delay before retrying after no answer (doubles up to 10 s, with jitter). */
  retryDelayMs?: number;
  onUnauthorized?: () => void;
}

/** The message of a refusal, for an alert. */
export function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : "refused by the server";
}

/** Where a command acted, in words (an item, a list...). */
export function describePlace(path: readonly string[]): string {
  switch (placeOf(path)?.kind) {
    case "item":
      return "an item";
    case "items": // an item added to a list
    case "list":
      return "a list";
    case "labels":
    case "label":
      return "a label";
    default:
      return "the board";
  }
}

/**
 * What the person is told when the server refused some of their commands (R4: which, and why),
 * or when their unsent change no longer applied because someone else removed its place.
 */
export function explainEdits(
  event:
    | { type: "rejected"; errors: { message: string }[] }
    | Extract<ProxyEvent, { type: "dropped" }>,
): string[] {
  if (event.type === "rejected") return event.errors.map((error) => `Not saved: ${error.message}`);
  return event.dropped.map(
    ({ command }) =>
      `Your change to ${describePlace(command.path)} was undone: someone else removed it.`,
  );
}

/** The status a page shows: offline with what is unsaved, saving it, or saved. */
export function syncStatus(trouble: "offline" | "slowed" | null, unsaved: number): SyncStatus {
  if (trouble === "offline") return { kind: "offline", unsaved };
  if (trouble === "slowed" && unsaved > 0) return { kind: "slowed", unsaved };
  return unsaved > 0 ? { kind: "saving", unsaved } : { kind: "saved" };
}

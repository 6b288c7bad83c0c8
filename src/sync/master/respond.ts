import type { Command, Doc, FlushResponse, SyncPayload } from "../protocol";
import type { BatchOutcome } from "./idempotency";

/** Where a master's history can be read from, for building answers. */
export interface HistoryReader {
  readonly version: number;
  /** Commands of versions `from + 1 .. to`, or null when that part of history is gone. */
  commandsBetween(from: number, to: number): Command[] | null;
  /** The document at the current version. */
  document(): Doc;
}

/**
 * The versions an answer needs, read once: from the earlier of the client's base and the batch's
 * start, to the batch's end (`from + 1 .. to`). A client ahead of the batch needs only the batch.
 */
export function answerRange(
  clientFrom: number,
  outcome: BatchOutcome,
): { from: number; to: number } {
  const end = outcome.from + outcome.count;
  return { from: clientFrom <= end ? Math.min(clientFrom, outcome.from) : outcome.from, to: end };
}

/**
 * S1/S2: the answer to a flush whose batch is recorded in `outcome`, from the completions of
 * `answerRange` (`span`, null when that history is gone). The client's base moves from
 * `clientFrom` to the batch's end by `applied` alone when its base was the batch's start, else by
 * a diff when the history allows, else by a snapshot.
 */
export function assembleFlushResponse(
  clientFrom: number,
  outcome: BatchOutcome,
  span: Command[] | null,
  snapshot: () => { version: number; document: Doc },
): FlushResponse {
  const { from, to: end } = answerRange(clientFrom, outcome);
  let sync: SyncPayload | undefined;
  // S1: when nothing else was applied between the client's base and its batch, `applied` alone
  // moves the client's base; no command is sent twice.
  if (clientFrom !== end && clientFrom !== outcome.from) {
    sync =
      span && clientFrom < end
        ? { kind: "diff", from: clientFrom, completions: span.slice(clientFrom - from) }
        : { kind: "snapshot", ...snapshot() };
  }
  return {
    // A snapshot brings the client to the current version; otherwise to the batch's end.
    version: sync?.kind === "snapshot" ? sync.version : end,
    applied: { from: outcome.from, completions: span ? span.slice(outcome.from - from) : [] },
    ...(sync ? { sync } : {}),
    mappedPaths: outcome.mappedPaths,
    errors: outcome.errors,
  };
}

/** The answer to a recorded batch, from a master's in-memory history. */
export function buildFlushResponse(
  history: HistoryReader,
  clientFrom: number,
  outcome: BatchOutcome,
): FlushResponse {
  const range = answerRange(clientFrom, outcome);
  return assembleFlushResponse(
    clientFrom,
    outcome,
    history.commandsBetween(range.from, range.to),
    () => ({
      version: history.version,
      document: history.document(),
    }),
  );
}

import type { Completion, Doc, FlushResponse, SyncPayload } from "../protocol";
import type { BatchOutcome } from "./idempotency";

/** Where a master's history can be read from, for building answers. */
export interface HistoryReader {
  readonly version: number;
  /** Completions of versions `from + 1 .. to`, or null when that part of history is gone. */
  completions(from: number, to: number): Completion[] | null;
  /** The document at the current version. */
  document(): Doc;
}

/**
 * S1/S2: the answer to a flush whose batch is recorded in `outcome`. The client's base moves from
 * `clientFrom` to the batch's end: by a diff when history allows, else by a snapshot.
 */
export function buildFlushResponse(
  history: HistoryReader,
  clientFrom: number,
  outcome: BatchOutcome,
): FlushResponse {
  const end = outcome.from + outcome.count;
  const applied = history.completions(outcome.from, end);
  let sync: SyncPayload | undefined;
  if (clientFrom !== end) {
    const diff = clientFrom <= end ? history.completions(clientFrom, end) : null;
    sync = diff
      ? { kind: "diff", from: clientFrom, completions: diff }
      : { kind: "snapshot", version: history.version, document: history.document() };
  }
  return {
    // A snapshot brings the client to the current version; otherwise to the batch's end.
    version: sync?.kind === "snapshot" ? sync.version : end,
    applied: { from: outcome.from, completions: applied ?? [] },
    ...(sync ? { sync } : {}),
    mappedPaths: outcome.mappedPaths,
    errors: outcome.errors,
  };
}

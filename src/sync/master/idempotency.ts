import type { CommandError, MappedPath } from "../protocol";
import { ProtocolError } from "./ProtocolError";

/**
 * F4: what the master remembers of a client's last flush, enough to answer a retry exactly as the
 * first time without storing the answer itself: the applied commands are versions
 * `from + 1 .. from + count` of the history.
 */
export interface BatchOutcome {
  batchSeq: number;
  /** Version before the batch. */
  from: number;
  /** Commands of the batch that were applied. */
  count: number;
  mappedPaths: MappedPath[];
  errors: CommandError[];
}

/**
 * F2/F4: decides what to do with a flush given the client's last recorded outcome: apply it (the
 * next batchSeq), answer it again (the same batchSeq), or refuse it (any other).
 */
export function classifyBatch(
  last: BatchOutcome | undefined,
  clientId: string,
  batchSeq: number,
): "apply" | "duplicate" {
  const expected = (last?.batchSeq ?? 0) + 1;
  if (batchSeq === expected) return "apply";
  if (last && batchSeq === last.batchSeq) return "duplicate";
  if (batchSeq > expected) {
    throw new ProtocolError(
      "BATCH_SEQ_GAP",
      `batchSeq ${batchSeq} skips ahead for client ${clientId}: expected ${expected}`,
    );
  }
  throw new ProtocolError(
    "BATCH_SEQ_STALE",
    `batchSeq ${batchSeq} is older than the last flush of client ${clientId} (${last?.batchSeq ?? 0})`,
  );
}

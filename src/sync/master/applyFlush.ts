import type { Interceptor, InterceptorContext } from "../core/interceptor";
import type { Command, Doc, FlushRequest } from "../protocol";
import { applyBatch } from "./applyBatch";
import { type BatchOutcome, classifyBatch } from "./idempotency";

/** A master's state at its head. */
export interface MasterState {
  version: number;
  document: Doc;
}

export interface FlushStepOptions<C extends InterceptorContext> {
  interceptor?: Interceptor<C>;
  /** The interceptor's context for this batch (author, clock, counters it keeps). */
  context: C;
  newId?: () => string;
}

/**
 * What one flush does to a master: answered again from the client's last outcome (F4), answered
 * at the head as a catch-up (F8: nothing to record), or applied, giving the new state, the
 * applied commands and the outcome to record.
 */
export type FlushStep =
  | { kind: "duplicate"; outcome: BatchOutcome }
  | { kind: "catchUp"; outcome: BatchOutcome }
  | { kind: "applied"; outcome: BatchOutcome; state: MasterState; applied: Command[] };

/** H1: the action of commands sent without one: their batch. */
export function batchActionId(request: Pick<FlushRequest, "clientId" | "batchSeq">): string {
  return `batch-${request.clientId}-${request.batchSeq}`;
}

/**
 * The master's step for one flush, pure: F2/F4 decide from the client's `last` recorded outcome
 * whether the batch is new (the next batchSeq), a retry (the same one, answered from `last`), or
 * refused (throws ProtocolError). A new batch is applied at the master's current version (F3)
 * through the interceptor (M1), its commands given the batch's action id when they have none
 * (H1). The in-memory `Master` and the board server run this same step; each keeps the state,
 * the history and the outcomes in its own place (memory, database).
 */
export function applyFlush<C extends InterceptorContext>(
  state: MasterState,
  last: BatchOutcome | undefined,
  request: FlushRequest,
  options: FlushStepOptions<C>,
): FlushStep {
  // F8: batchSeq 0 (no commands, checked at the edge) catches up: answered at the head, recorded
  // nowhere, whatever the client's last batch.
  if (request.batchSeq === 0 && request.commands.length === 0) {
    const outcome = { batchSeq: request.batchSeq, from: state.version, count: 0 };
    return { kind: "catchUp", outcome: { ...outcome, mappedPaths: [], errors: [] } };
  }
  if (classifyBatch(last, request.clientId, request.batchSeq) === "duplicate" && last) {
    return { kind: "duplicate", outcome: last };
  }
  const result = applyBatch(state.document, state.version, request.commands, {
    ...options,
    actionId: batchActionId(request),
  });
  return {
    kind: "applied",
    outcome: {
      batchSeq: request.batchSeq,
      from: state.version,
      count: result.completions.length,
      mappedPaths: result.mappedPaths,
      errors: result.errors,
    },
    state: { version: result.version, document: result.document },
    applied: result.completions,
  };
}

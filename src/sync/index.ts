/**
 * Rewind's sync engine: framework-independent (imports only immer and zod). See SPEC.md for the
 * rules the names below refer to.
 */

export type {
  ApplyResult,
  ClientProxyOptions,
  ProxyEvent,
  ProxyState,
  Transaction,
} from "./client/ClientProxy";
export { ClientProxy } from "./client/ClientProxy";
export { rebaseCommands, replayCompletions } from "./client/replay";
export { type ApplyOptions, type ApplyOutcome, applyCommand, isPlainObject } from "./core/apply";
export { newId } from "./core/ids";
export {
  type Interceptor,
  type InterceptorContext,
  type InterceptorResult,
  intercept,
} from "./core/interceptor";
export { isPrefix, keyProblem, mapPath, pathProblem, pathsEqual } from "./core/path";
export * from "./history";
export { applyBatch, type BatchOptions, type BatchResult } from "./master/applyBatch";
export {
  applyFlush,
  batchActionId,
  type FlushStep,
  type FlushStepOptions,
  type MasterState,
} from "./master/applyFlush";
export { type BatchOutcome, classifyBatch } from "./master/idempotency";
export { Master, type MasterOptions } from "./master/Master";
export { PROTOCOL_ERRORS, ProtocolError, type ProtocolErrorCode } from "./master/ProtocolError";
export {
  answerRange,
  assembleFlushResponse,
  buildFlushResponse,
  type HistoryReader,
} from "./master/respond";
export * from "./protocol";

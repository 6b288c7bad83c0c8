export const PROTOCOL_ERRORS = {
  /** F2: a batchSeq beyond the next expected one: an earlier flush was lost. */
  BATCH_SEQ_GAP: "BATCH_SEQ_GAP",
  /** F2: a batchSeq older than the last one applied for this client. */
  BATCH_SEQ_STALE: "BATCH_SEQ_STALE",
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

/** A flush the master refuses as a whole (nothing applied). The message says why. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

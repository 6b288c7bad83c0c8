/** The board does not exist. */
export class BoardNotFound extends Error {
  override readonly name = "BoardNotFound";
}

/** An undo, redo or restore that cannot be done, with the reason for the user. */
export class HistoryRefused extends Error {
  override readonly name = "HistoryRefused";
  constructor(
    readonly code: "NOT_FOUND" | "PRECONDITION_FAILED" | "BAD_REQUEST",
    message: string,
  ) {
    super(message);
  }
}

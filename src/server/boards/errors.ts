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

/** A change of a board's members that cannot be made, with the reason for the owner. */
export class MembershipRefused extends Error {
  override readonly name = "MembershipRefused";
  constructor(
    readonly code: "NOT_FOUND" | "PRECONDITION_FAILED",
    message: string,
  ) {
    super(message);
  }
}

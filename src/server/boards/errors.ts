/**
 * What kind of refusal a domain error is. The services speak these; the API maps them to its own
 * codes in one place (api/errors.ts).
 */
export type ErrorKind =
  /** What was asked for does not exist (for this caller). */
  | "not-found"
  /** It exists, but what was asked cannot be done in its present state. */
  | "refused"
  /** The request itself is malformed or breaks a limit. */
  | "bad-input"
  /** It raced with another change and lost; asking again may succeed. */
  | "conflict"
  /** Over a fair-use limit: asking again later will succeed. */
  | "too-many";

/** A refusal the services answer with, with the reason for the user. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The board does not exist. */
export class BoardNotFound extends DomainError {
  override readonly name = "BoardNotFound";
  constructor(readonly boardId: string) {
    super("not-found", "Board not found");
  }
}

/** An undo, redo or restore that cannot be done. */
export class HistoryRefused extends DomainError {
  override readonly name = "HistoryRefused";
}

/** A change of a board's members that cannot be made. */
export class MembershipRefused extends DomainError {
  override readonly name = "MembershipRefused";
}

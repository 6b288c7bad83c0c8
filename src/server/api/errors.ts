import { type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";
import { ProtocolError } from "@/sync";
import { DomainError, type ErrorKind } from "../boards/errors";

/** The tRPC code each kind of domain error is answered with: the one place they meet. */
const CODES: Record<ErrorKind, TRPC_ERROR_CODE_KEY> = {
  "not-found": "NOT_FOUND",
  refused: "PRECONDITION_FAILED",
  "bad-input": "BAD_REQUEST",
  conflict: "CONFLICT",
  "too-many": "TOO_MANY_REQUESTS",
};

/** The tRPC error a domain error stands for, or null for anything else (a real failure). */
export function asTRPCError(error: unknown): TRPCError | null {
  if (error instanceof ProtocolError) {
    return new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
  }
  if (error instanceof DomainError) {
    return new TRPCError({ code: CODES[error.kind], message: error.message, cause: error });
  }
  return null;
}

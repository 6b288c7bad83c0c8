import { TRPCClientError } from "@trpc/client";
import type { FailureKind } from "@/lib/BoardSession";
import { backoff } from "@/lib/backoff";

/** Why a tRPC call failed: a refusal the server answered with, or no answer at all ("offline"). */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; outdated?: boolean } | undefined;
    const code = data?.code;
    if (data?.outdated) return "outdated";
    if (code === "UNAUTHORIZED") return "unauthorized";
    if (code === "FORBIDDEN") return "forbidden";
    if (code === "TOO_MANY_REQUESTS") return "slowed";
    if (code === "NOT_FOUND") return "not-found";
    if (code) return "refused";
  }
  // No answer from the server at all: the network is gone, and the outcome is unknown.
  return "offline";
}

/** When a TOO_MANY_REQUESTS answer said to send again (`data.retryAfterMs`), else null. */
export function retryAfterMsOf(error: unknown): number | null {
  if (!(error instanceof TRPCClientError)) return null;
  const after = (error.data as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof after === "number" && after >= 0 ? after : null;
}

/** Attempts of a request whose outcome is unknown before its error is shown. */
const UNKNOWN_OUTCOME_ATTEMPTS = 4;

/**
 * TanStack Query's `retry` for mutations that name their own id (undo, redo, restore with
 * `entryId`): a request that got no answer may have been applied, so it is sent again with the
 * same input (the server answers a repeated id with its first answer, H12); refusals are final.
 */
export function retryUnknownOutcome(failureCount: number, error: unknown): boolean {
  return failureCount < UNKNOWN_OUTCOME_ATTEMPTS - 1 && classifyFailure(error) === "offline";
}

/** Delays between those attempts: up to about 0.6 s, 1.2 s, 2.4 s. */
export function retryDelay(failureCount: number): number {
  return backoff(failureCount, 600, 5_000);
}

import type { TRPCError } from "@trpc/server";
import { log } from "./log";
import { metrics } from "./metrics";

/** What a tRPC adapter knows of a failed call (its `onError` options). */
interface FailedCall {
  error: TRPCError;
  path: string | undefined;
  type: string;
  input: unknown;
  ctx: { requestId?: string; session?: { user: { id: string } } | null } | undefined;
}

/**
 * Every failed call, on either transport: refusals (bad input, not allowed, not found...) are
 * counted by code; failures of the server itself are logged with the request, board and user
 * ids and the error's cause.
 */
export function reportFailedCall({ error, path, type, input, ctx }: FailedCall): void {
  metrics.refused.inc({ reason: error.code });
  if (error.code !== "INTERNAL_SERVER_ERROR") return;
  const boardId =
    typeof input === "object" && input !== null && "boardId" in input
      ? String((input as { boardId: unknown }).boardId)
      : undefined;
  log.error(
    {
      requestId: ctx?.requestId,
      path,
      type,
      boardId,
      userId: ctx?.session?.user.id,
      err: error.cause ?? error,
    },
    `tRPC ${type} ${path ?? "<no-path>"} failed`,
  );
}

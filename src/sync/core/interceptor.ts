import type { Command, Doc, JsonObject } from "../protocol";

/** What an interceptor decides for one command (I1). */
export type InterceptorResult = undefined | { props: JsonObject } | { reject: string };

/** Who is asking, for rules that depend on the user; extend it with what your rules need. */
export interface InterceptorContext {
  userId?: string;
  role?: string;
  /** The time to stamp; the master sets it once per batch so a batch reads one clock. */
  now?: Date;
}

/**
 * I1: runs before each command is applied, on the master (authoritative) and optionally in the
 * client proxy (instant feedback). It may rewrite the command's props or reject the command.
 * `document` is the state the command will apply to; treat it as read-only.
 */
export type Interceptor<C extends InterceptorContext = InterceptorContext> = (
  document: Doc,
  command: Command,
  context: C,
) => InterceptorResult;

/** I2: runs an interceptor; a throwing interceptor rejects the command instead of escaping. */
export function intercept<C extends InterceptorContext>(
  interceptor: Interceptor<C> | undefined,
  document: Doc,
  command: Command,
  context: C,
): { command: Command } | { reject: string } {
  if (!interceptor) return { command };
  let result: InterceptorResult;
  try {
    result = interceptor(document, command, context);
  } catch (error) {
    return { reject: error instanceof Error ? error.message : "rejected by a rule" };
  }
  if (result === undefined) return { command };
  if ("reject" in result) return { reject: result.reject };
  return { command: { ...command, props: result.props } };
}

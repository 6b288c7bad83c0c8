import type { IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createTRPCContext, type InnerContext } from "../api/context";
import { API_LIMITS } from "../api/inputs";
import { appRouter } from "../api/root";
import { reportFailedCall } from "../observability/calls";

/** Where tRPC answers, over HTTP, server-sent events and WebSockets. */
export const TRPC_PATH = "/api/trpc";

/** Whether a request is a tRPC call (`/api/trpc/<procedure>`, batched or not). */
export function isTRPCRequest(url: string | undefined): boolean {
  return url?.startsWith(`${TRPC_PATH}/`) ?? false;
}

/** An incoming request's headers as a Fetch `Headers` (what better-auth reads cookies from). */
export function headersOf(raw: IncomingMessage["headers"]): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** The context of an HTTP call or event stream, from its request (see createTRPCContext). */
export type HttpContextFn = (
  req: IncomingMessage,
  connectionParams: Record<string, string | undefined> | null,
) => Promise<InnerContext>;

const processContext: HttpContextFn = (req, connectionParams) =>
  createTRPCContext({ headers: headersOf(req.headers), connectionParams });

/**
 * The tRPC router over HTTP (queries, mutations, batches) and server-sent events (subscriptions),
 * answered by the Node server itself (tRPC's Node adapter) rather than through a Next.js route:
 * the same URLs and answers, without a framework's request pipeline in front of every flush.
 */
export function serveTRPCOverHttp(
  createContext: HttpContextFn = processContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: API_LIMITS.requestBytes,
    createContext: ({ req, info }) => createContext(req, info.connectionParams),
    onError: reportFailedCall,
  });
}

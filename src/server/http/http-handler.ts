import type { IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createInnerContext, type InnerContext, protocolOf } from "../api/context";
import { API_LIMITS } from "../api/inputs";
import { appRouter } from "../api/root";
import type { SessionCache } from "../auth/SessionCache";
import { reportFailedCall } from "../observability/calls";
import type { Services } from "../services";

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

/** The context of an HTTP call or event stream, from its request. */
export type HttpContextFn = (
  req: IncomingMessage,
  connectionParams: Record<string, string | undefined> | null,
) => Promise<InnerContext>;

/**
 * The context of an HTTP call (or a server-sent event stream): the services and the session named
 * by the request's cookie; the protocol from the `x-rewind-protocol` header or, for event
 * streams (which cannot send headers), the `protocol` connection parameter.
 */
export function httpContext(services: Services, sessions: SessionCache): HttpContextFn {
  return async (req, connectionParams) => {
    const headers = headersOf(req.headers);
    return createInnerContext({
      ...services,
      session: await sessions.get(headers),
      clientProtocol: protocolOf(headers.get("x-rewind-protocol") ?? connectionParams?.protocol),
      requestId: headers.get("x-request-id") ?? undefined,
    });
  };
}

/**
 * The tRPC router over HTTP (queries, mutations, batches) and server-sent events (subscriptions),
 * answered by the Node server itself (tRPC's Node adapter) rather than through a Next.js route:
 * the same URLs and answers, without a framework's request pipeline in front of every flush.
 */
export function serveTRPCOverHttp(
  createContext: HttpContextFn,
): (req: IncomingMessage, res: ServerResponse) => void {
  return createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: API_LIMITS.requestBytes,
    createContext: ({ req, info }) => createContext(req, info.connectionParams),
    onError: reportFailedCall,
  });
}

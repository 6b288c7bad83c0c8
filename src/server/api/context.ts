import { randomUUID } from "node:crypto";
import type { AuthSession } from "../auth";
import { getSession } from "../auth";
import type { DirectChannel } from "../http/direct-subscriptions";
import { getServices, type Services } from "../services";

/** What every procedure sees: the process's services side by side, and the caller's session. */
export interface InnerContext extends Omit<Services, "close"> {
  session: AuthSession | null;
  /** The protocol version the client speaks, when it said (`x-rewind-protocol`, socket params). */
  clientProtocol?: number | null;
  /** Names the request (HTTP) or the socket (WebSocket) in logs. */
  requestId?: string;
  /** On a WebSocket: lets `sync.subscribe` send through the board's broadcast. */
  direct?: DirectChannel;
}

/** The context from services and a session; tests build it directly. */
export function createInnerContext({
  session,
  clientProtocol = null,
  requestId = randomUUID(),
  direct,
  ...services
}: Omit<Services, "close"> & {
  session: AuthSession | null;
  clientProtocol?: number | null;
  requestId?: string;
  direct?: DirectChannel;
}): InnerContext {
  const { db, boards, broadcast, history, presence, roles } = services;
  return {
    db,
    boards,
    broadcast,
    history,
    presence,
    roles,
    session,
    clientProtocol,
    requestId,
    direct,
  };
}

/** The protocol version a client named (header or socket parameter), or null. */
export function protocolOf(value: unknown): number | null {
  const version = Number(value);
  return value != null && value !== "" && Number.isInteger(version) ? version : null;
}

/**
 * The context of an HTTP call (or a server-sent event stream): the services and the session named
 * by the request's cookie; the protocol from the `x-rewind-protocol` header or, for event
 * streams (which cannot send headers), the `protocol` connection parameter.
 */
export async function createTRPCContext({
  headers,
  connectionParams,
}: {
  headers: Headers;
  connectionParams?: Record<string, string | undefined> | null;
}): Promise<InnerContext> {
  const [services, session] = await Promise.all([getServices(), getSession(headers)]);
  return createInnerContext({
    ...services,
    session,
    clientProtocol: protocolOf(headers.get("x-rewind-protocol") ?? connectionParams?.protocol),
    requestId: headers.get("x-request-id") ?? undefined,
  });
}

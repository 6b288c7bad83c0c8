import { randomUUID } from "node:crypto";
import type { AuthSession } from "../auth";
import type { Services } from "../services";
import type { DirectChannel } from "./direct";

/** What every procedure sees: the process's services side by side, and the caller's session. */
export interface InnerContext extends Omit<Services, "close"> {
  session: AuthSession | null;
  /** The protocol version the client speaks, when it said (`x-rewind-protocol`, socket params). */
  clientProtocol?: number | null;
  /** Names the request (HTTP) or the socket (WebSocket) in logs. */
  requestId?: string;
  /** On a WebSocket: lets `sync.subscribe` send through the board's broadcast. */
  direct?: DirectChannel;
  /** The caller is another Rewind instance (its socket showed the instances' token). */
  peer?: boolean;
}

/** The context from services and a session; the transports and tests build it with this. */
export function createInnerContext({
  session,
  clientProtocol = null,
  requestId = randomUUID(),
  direct,
  peer = false,
  ...services
}: Omit<Services, "close"> & {
  session: AuthSession | null;
  clientProtocol?: number | null;
  requestId?: string;
  direct?: DirectChannel;
  peer?: boolean;
}): InnerContext {
  const { db, boards, placement, broadcast, history, presence, roles, members, fairUse } = services;
  return {
    db,
    fairUse,
    boards,
    placement,
    broadcast,
    history,
    presence,
    roles,
    members,
    session,
    clientProtocol,
    requestId,
    direct,
    peer,
  };
}

/** The protocol version a client named (header or socket parameter), or null. */
export function protocolOf(value: unknown): number | null {
  const version = Number(value);
  return value != null && value !== "" && Number.isInteger(version) ? version : null;
}

import type { WebSocket, WebSocketServer } from "ws";
import type { DirectChannel } from "../api/direct";
import type { BoardBroadcast, DirectSubscriber } from "./BoardBroadcast";

/** A `sync.subscribe` request as it arrived on a socket: what its events must be sent as. */
interface SubscribeRequest {
  id: string | number;
  jsonrpc?: string;
  boardId: string;
  lastEventId: string | null;
}

const requests = new WeakMap<WebSocket, SubscribeRequest[]>();

/**
 * Notes each socket's `sync.subscribe` requests (their ids), so the subscription can write its
 * events straight to the socket through the board's broadcast instead of one by one through
 * tRPC. Must be installed before tRPC's handler: its listener then runs first for each message.
 */
export function noteSubscribeRequests(wss: WebSocketServer) {
  wss.on("connection", (socket: WebSocket) => {
    requests.set(socket, []);
    socket.on("message", (raw, isBinary) => {
      if (isBinary) return;
      const text = raw.toString();
      if (!text.includes('"sync.subscribe"')) return;
      try {
        const parsed: unknown = JSON.parse(text);
        for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
          const request = subscribeRequest(message);
          if (request) requests.get(socket)?.push(request);
        }
      } catch {
        // tRPC answers it with a parse error
      }
    });
  });
}

function subscribeRequest(message: unknown): SubscribeRequest | null {
  const { id, jsonrpc, method, params } = message as {
    id?: unknown;
    jsonrpc?: unknown;
    method?: unknown;
    params?: {
      path?: unknown;
      lastEventId?: unknown;
      input?: { json?: SubscribeInput } & SubscribeInput;
    };
  };
  if (method !== "subscription" || params?.path !== "sync.subscribe") return null;
  if (typeof id !== "string" && typeof id !== "number") return null;
  const input = params.input?.json ?? params.input;
  const boardId = input?.boardId;
  if (typeof boardId !== "string") return null;
  const lastEventId = params.lastEventId ?? input?.lastEventId;
  return {
    id,
    jsonrpc: typeof jsonrpc === "string" ? jsonrpc : undefined,
    boardId,
    lastEventId: lastEventId == null ? null : String(lastEventId),
  };
}

interface SubscribeInput {
  boardId?: unknown;
  lastEventId?: unknown;
}

/**
 * The direct channel of one socket: a `sync.subscribe` request noted on it joins the board's
 * broadcast, which writes each version as the message tRPC itself would send.
 */
export function directChannel(socket: WebSocket, broadcast: BoardBroadcast): DirectChannel {
  return {
    senderFor(boardId, lastEventId) {
      const waiting = requests.get(socket) ?? [];
      const request = waiting.findLast(
        (r) => r.boardId === boardId && r.lastEventId === lastEventId,
      );
      requests.set(
        socket,
        waiting.filter((r) => r.boardId !== boardId),
      );
      if (!request) return null;
      const { id, jsonrpc } = request;
      const subscriber: DirectSubscriber = { sent: 0, request: { id, jsonrpc }, socket };
      return {
        listen: false,
        start: (head, sent) => {
          subscriber.sent = sent;
          return broadcast.join(boardId, subscriber, head);
        },
      };
    },
  };
}

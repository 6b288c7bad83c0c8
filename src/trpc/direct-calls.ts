import {
  createWSClient,
  type Operation,
  TRPCClientError,
  type TRPCLink,
  type WebSocketClientOptions,
  wsLink,
} from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable } from "@trpc/server/observable";
import { transformer } from "@/lib/transformer";

type WsClient = ReturnType<typeof createWSClient>;
type Encoder = NonNullable<WebSocketClientOptions["experimental_encoder"]>;

interface Pending {
  socket: WebSocket;
  next(message: Answer): void;
  fail(error: unknown): void;
}

interface Answer {
  id: string;
  result?: { data?: unknown };
  error?: unknown;
}

/** Our calls' ids: strings, so they never meet tRPC's own (numbers, counted from 1). */
const ID_PREFIX = "c";

/**
 * Queries and mutations sent on tRPC's own socket at the end of the current task.
 *
 * tRPC's WebSocket client waits for a timer (`sleep(0)`) before it sends a call, to batch the
 * calls made meanwhile: 1 ms in Node, up to 4 ms in a page whose call starts inside a timer, and
 * that was most of a 1-command flush's round trip (bench:wire). This link writes calls in tRPC's
 * own message format on the socket tRPC's client opened (once it is open and its connection
 * parameters are sent), batching the calls of one task into one message, and reads the answers
 * through the client's `experimental_encoder` hook, so each message is still parsed once.
 * Subscriptions, and calls made while the socket is not open, stay with tRPC's `wsLink`
 * (reconnection, resuming from the last event id).
 */
export class DirectCalls {
  private readonly pending = new Map<string, Pending>();
  private readonly watched = new WeakSet<object>();
  private queue: unknown[] = [];
  private queuedOn: WebSocket | null = null;
  private nextId = 0;

  /** Pass to `createWSClient({ experimental_encoder })`: answers to our calls are taken here. */
  readonly encoder: Encoder = {
    encode: (message) => JSON.stringify(message),
    decode: (data) => {
      const message = JSON.parse(
        typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer),
      );
      const id = (message as { id?: unknown }).id;
      if (typeof id === "string" && id.startsWith(ID_PREFIX)) {
        const call = this.pending.get(id);
        if (call) {
          this.pending.delete(id);
          call.next(message as Answer);
        }
      }
      // tRPC's client drops answers whose id it does not know: ours.
      return message;
    },
  };

  constructor(private readonly client: () => WsClient | null) {}

  /** Sends queries and mutations directly while the socket is open; everything else goes on. */
  link(): TRPCLink<AnyTRPCRouter> {
    return () =>
      ({ op, next }) => {
        const socket = this.openSocket();
        if (op.type === "subscription" || !socket) return next(op);
        return this.call(socket, op);
      };
  }

  private openSocket(): WebSocket | null {
    const connection = this.client()?.connection;
    return connection?.state === "open" ? (connection.ws as WebSocket) : null;
  }

  private call(socket: WebSocket, op: Operation) {
    return observable<{ result: { type: "data"; data: unknown } }, TRPCClientError<AnyTRPCRouter>>(
      (observer) => {
        const id = `${ID_PREFIX}${++this.nextId}`;
        const fail = (error: unknown) => observer.error(TRPCClientError.from(error as Error));
        this.pending.set(id, {
          socket,
          fail,
          next: (answer) => {
            if (answer.error !== undefined) {
              observer.error(
                TRPCClientError.from({ error: transformer.deserialize(answer.error) } as never),
              );
              return;
            }
            // No complete() after the answer: tRPC's client takes the first value and unsubscribes
            // (the teardown below), and completing a call it already answered makes it abort an
            // AbortController of its own (a DOMException built and an event dispatched: about
            // 40 µs a call in Node's profile).
            observer.next({
              result: { type: "data", data: transformer.deserialize(answer.result?.data) },
            });
          },
        });
        this.watch(socket);
        this.enqueue(socket, {
          id,
          method: op.type,
          params: { path: op.path, input: transformer.serialize(op.input) },
        });
        const onAbort = () => {
          this.pending.delete(id);
          observer.complete();
        };
        if (op.signal?.aborted) onAbort();
        else op.signal?.addEventListener("abort", onAbort, { once: true });
        return () => {
          this.pending.delete(id);
          op.signal?.removeEventListener("abort", onAbort);
        };
      },
    );
  }

  /** One message for the calls made in one task, as tRPC sends them (an array when several). */
  private enqueue(socket: WebSocket, message: unknown) {
    if (this.queuedOn && this.queuedOn !== socket) this.send();
    this.queue.push(message);
    if (this.queuedOn) return;
    this.queuedOn = socket;
    queueMicrotask(() => this.send());
  }

  private send() {
    const socket = this.queuedOn;
    const messages = this.queue;
    this.queuedOn = null;
    this.queue = [];
    if (!socket || messages.length === 0) return;
    if (socket.readyState !== socket.OPEN) return; // its close fails the calls (watch)
    socket.send(JSON.stringify(messages.length === 1 ? messages[0] : messages));
  }

  /** A socket that closes fails the calls still waiting on it, as tRPC's client does its own. */
  private watch(socket: WebSocket) {
    if (this.watched.has(socket)) return;
    this.watched.add(socket);
    socket.addEventListener("close", () => {
      for (const [id, call] of this.pending) {
        if (call.socket !== socket) continue;
        this.pending.delete(id);
        call.fail(new Error("WebSocket closed"));
      }
    });
  }
}

/**
 * tRPC's WebSocket client and the link for it: queries and mutations go straight onto the open
 * socket (`DirectCalls`), subscriptions and calls made while it is not open through `wsLink`.
 */
export function socketLink<TRouter extends AnyTRPCRouter>(
  options: Omit<WebSocketClientOptions, "experimental_encoder">,
): { client: WsClient; link: TRPCLink<TRouter> } {
  const direct = new DirectCalls(() => client);
  const client = createWSClient({ ...options, experimental_encoder: direct.encoder });
  const socket = wsLink<TRouter>({ client, transformer });
  const calls = direct.link() as TRPCLink<TRouter>;
  const link: TRPCLink<TRouter> = (runtime) => {
    const toSocket = socket(runtime);
    const toCalls = calls(runtime);
    return ({ op, next }) => toCalls({ op, next: (rest) => toSocket({ op: rest, next }) });
  };
  return { client, link };
}

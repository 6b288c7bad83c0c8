import { afterAll } from "vitest";
import type { Database } from "@/server/db";
import type { Services } from "@/server/services";
import { callerFor, type TestUser } from "./api";
import { describeEachDatabase } from "./databases";
import {
  callerShaped,
  type SocketServer,
  signedIn,
  socketClient,
  startSocketServer,
} from "./socket";

type Caller = ReturnType<typeof callerFor>;

/** How a suite reaches the API: in-process callers, or tRPC clients over a real WebSocket. */
export interface Transport {
  readonly name: "in-process" | "websocket";
  /** Serves `services` (once per suite, after they are built). */
  serve(services: Services): Promise<void>;
  /** The API as `user` (or anonymously), on the served services. */
  as(user: TestUser | null, options?: { signal?: AbortSignal }): Caller;
}

function inProcess(): Transport {
  let served: Services | null = null;
  return {
    name: "in-process",
    async serve(services) {
      served = services;
    },
    as(user, options) {
      if (!served) throw new Error("serve(services) first");
      return callerFor(served, user, options);
    },
  };
}

function overWebSocket(db: () => Database): Transport {
  let server: SocketServer | null = null;
  const clients = new Map<string, Promise<ReturnType<typeof socketClient>>>();
  afterAll(async () => {
    for (const client of clients.values()) await (await client).close();
    await server?.close();
  });
  const clientOf = (user: TestUser | null) => {
    const key = user?.id ?? "";
    let client = clients.get(key);
    if (!client) {
      const url = server?.url;
      if (!url) throw new Error("serve(services) first");
      client = (async () => socketClient(url, user ? await signedIn(db(), user) : null))();
      clients.set(key, client);
    }
    return client.then((c) => c.client);
  };
  return {
    name: "websocket",
    async serve(services) {
      server = await startSocketServer(services);
    },
    as: (user, options) => callerShaped(() => clientOf(user), options) as Caller,
  };
}

/**
 * Declares the suite for each database and each transport: in-process callers, and a real
 * WebSocket client against a real server (one socket per user, authenticated at the upgrade from
 * a session cookie).
 */
export function describeEachTransport(
  name: string,
  suite: (db: () => Database, transport: Transport) => void,
): void {
  describeEachDatabase(name, (db) => suite(db, inProcess()));
  describeEachDatabase(`${name} over a WebSocket`, (db) => suite(db, overWebSocket(db)));
}

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * What /api/metrics shows (Prometheus text format), one registry per process. Values that are
 * read when scraped (clients, boards in memory) are gauges whose sources register with `observe`.
 */
function createMetrics() {
  const registry = new Registry();
  // The process's own: CPU, memory, event loop lag, garbage collection.
  collectDefaultMetrics({ register: registry });
  const sources = {
    sockets: () => ({ people: 0, peers: 0 }),
    streams: () => 0,
    boardsInMemory: () => 0,
    boardBytesInMemory: () => 0,
    listenReconnects: () => 0,
  };
  const metrics = {
    registry,
    sources,
    flushSeconds: new Histogram({
      name: "rewind_flush_duration_seconds",
      help: "Time from a flush's arrival at the board server to its answer",
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    groupSize: new Histogram({
      name: "rewind_group_flushes",
      help: "Flushes committed together in one group (one statement or transaction)",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
    commitBoards: new Histogram({
      name: "rewind_commit_boards",
      help: "Boards written together by one statement and commit (group commit across boards)",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
    turns: new Counter({
      name: "rewind_board_turns_total",
      help: "Groups by how they took their board's turn: own (this instance wrote the board last), caught_up (after reading what another instance wrote, without a lock), locked (in a transaction holding the board's row)",
      labelNames: ["turn"] as const,
      registers: [registry],
    }),
    forwarded: new Counter({
      name: "rewind_flushes_forwarded_total",
      help: "Flushes sent to the instance that writes their board: answered there, or written here because it could not be reached (unreachable) or had no flushes of its own for that board lately (declined)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: "rewind_refused_total",
      help: "Refused commands (reason=command) and refused calls (by tRPC code)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: "rewind_subscriptions",
      help: "Open subscriptions, by procedure",
      labelNames: ["procedure"] as const,
      registers: [registry],
    }),
  };
  new Gauge({
    name: "rewind_connected_clients",
    help: "Clients connected now, by transport (websocket: people's sockets, sse: event streams, peer: other instances' sockets)",
    labelNames: ["transport"] as const,
    registers: [registry],
    collect() {
      const sockets = sources.sockets();
      this.set({ transport: "websocket" }, sockets.people);
      this.set({ transport: "peer" }, sockets.peers);
      this.set({ transport: "sse" }, sources.streams());
    },
  });
  new Gauge({
    name: "rewind_boards_in_memory",
    help: "Boards kept in memory (hot boards)",
    registers: [registry],
    collect() {
      this.set(sources.boardsInMemory());
    },
  });
  new Gauge({
    name: "rewind_board_bytes_in_memory",
    help: "Approximate bytes of the boards kept in memory",
    registers: [registry],
    collect() {
      this.set(sources.boardBytesInMemory());
    },
  });
  new Gauge({
    name: "rewind_listen_reconnects",
    help: "Times the LISTEN connection (PostgreSQL notifications) was lost and opened again",
    registers: [registry],
    collect() {
      this.set(sources.listenReconnects());
    },
  });
  return metrics;
}

type Metrics = ReturnType<typeof createMetrics>;

/** The process's metrics (the server loads this module once: one module graph per process). */
export const metrics: Metrics = createMetrics();

/** Counts an open subscription of `procedure` until the returned function is called. */
export function trackSubscription(procedure: string): () => void {
  metrics.subscriptions.inc({ procedure });
  return () => metrics.subscriptions.dec({ procedure });
}

// `npm run dev` and `npm start`: Rewind's Node server (Next.js and the API on one port).
// Usage: tsx src/server/main.ts dev | node dist/server.mjs start (built by `npm run build`)
// The server also starts this file as a child process in `migrate` mode (db/migrate-in-process.ts).
if (process.argv[2] === "migrate" && process.send) {
  const { runMigrationProcess } = await import("./db/migrate-in-process");
  runMigrationProcess();
} else {
  await serve();
}

/**
 * Builds the process once, here: configuration, the database (migrated), the services and
 * sign-in, then the server that hands them to every handler. A start that fails exits with the
 * reason; nothing of it is kept.
 */
async function serve() {
  const mode = process.argv[2] === "start" ? "start" : "dev";
  // Next and React read NODE_ENV when they load, so it is set before anything is imported.
  (process.env as Record<string, string>).NODE_ENV =
    mode === "start" ? "production" : "development";

  const { log } = await import("./observability/log");
  const { env } = await import("./env");
  const { openMigratedDatabase } = await import("./db");
  const { createServices, servicesOptions } = await import("./services");
  const { createProcessAuth } = await import("./auth");
  const { shareSessionLookup } = await import("./auth/pages");
  const { startRewindServer } = await import("./http/server");
  const { OriginPolicy } = await import("./http/origins");
  const { peerForwarder, peerToken } = await import("./http/peer-client");
  const port = Number(process.env.PORT ?? 3000);

  let rewind: Awaited<ReturnType<typeof startRewindServer>>;
  let services: ReturnType<typeof createServices>;
  let peers: ReturnType<typeof peerForwarder> | null = null;
  try {
    const config = env();
    const db = await openMigratedDatabase(process.argv[1] as string);
    // Instances on one PostgreSQL that share AUTH_SECRET send each board's flushes to the one
    // that writes it (INSTANCE_URL: where the others reach this one).
    const token =
      db.kind === "postgresql" && config.AUTH_SECRET ? peerToken(config.AUTH_SECRET) : null;
    if (token) peers = peerForwarder(token);
    services = createServices(db, {
      ...servicesOptions(config),
      peers: token && peers ? { token, forward: peers.forward } : undefined,
    });
    const auth = createProcessAuth(db, config);
    shareSessionLookup((headers) => auth.sessions.get(headers));
    rewind = await startRewindServer({
      dev: mode === "dev",
      port,
      services,
      auth,
      metricsToken: config.METRICS_TOKEN,
      origins: new OriginPolicy(config.BETTER_AUTH_URL, config.ALLOWED_ORIGINS),
    });
    if (peers)
      services.placement.instances.start(config.INSTANCE_URL ?? `http://127.0.0.1:${port}`);
  } catch (error) {
    console.error(`Rewind cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  log.info(
    { port, mode },
    `Rewind${mode === "dev" ? " (development)" : ""} on http://localhost:${port}`,
  );

  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down: telling clients to reconnect, finishing open requests");
      // The others stop sending this instance their flushes first.
      void services.placement.instances
        .close()
        .then(() => rewind.close())
        .then(async () => {
          await services.close(); // in-flight groups finish, then the database closes
          peers?.close();
          await services.db.close();
        })
        .then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error }, "shutdown failed");
            process.exit(1);
          },
        );
    });
  }
}

export {};

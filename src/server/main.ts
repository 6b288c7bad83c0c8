// `npm run dev` and `npm start`: Rewind's Node server (Next.js and the tRPC WebSocket on one port).
// Usage: tsx src/server/main.ts dev | node dist/server.mjs start (built by `npm run build`)
// The server also starts this file as a child process in `migrate` mode (db/migrate-in-process.ts).
if (process.argv[2] === "migrate" && process.send) {
  const { runMigrationProcess } = await import("./db/migrate-in-process");
  runMigrationProcess();
} else {
  await serve();
}

async function serve() {
  const mode = process.argv[2] === "start" ? "start" : "dev";
  // Next and React read NODE_ENV when they load, so it is set before anything is imported.
  (process.env as Record<string, string>).NODE_ENV =
    mode === "start" ? "production" : "development";

  const { startRewindServer } = await import("./http/server");
  const { closeServices } = await import("./services");
  const { migrateInProcessesOf } = await import("./db");
  migrateInProcessesOf(process.argv[1] as string);
  const { log } = await import("./observability/log");
  const port = Number(process.env.PORT ?? 3000);
  const rewind = await startRewindServer({ dev: mode === "dev", port });
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
      void rewind
        .close()
        .then(closeServices) // in-flight groups finish, then the database closes
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

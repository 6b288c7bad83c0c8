// Next.js calls register() once per server process before it serves requests: validate the
// configuration, open the database and apply pending migrations now, so a misconfigured server
// stops at once with a clear message and the first visitor never waits for migrations. The work
// lives in a Node-only module, so the Edge build of this file never sees Node APIs.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./server/start");
  await startServer();
}

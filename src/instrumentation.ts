// Next.js calls register() once per server process before it serves requests: validate the
// configuration, open the database and apply pending migrations now, so a misconfigured server
// stops at once with a clear message and the first visitor never waits for migrations.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    const { getAuth } = await import("./server/auth");
    await getAuth();
  } catch (error) {
    console.error(`Rewind cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

// Next.js calls register() once per server process before it serves requests: open the database
// and apply pending migrations now, so the first visitor never waits for them.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { getDatabase } = await import("./server/db");
    await getDatabase();
  }
}

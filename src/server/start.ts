/** What the Node server does before serving: configuration, database and migrations, or exit. */
export async function startServer(): Promise<void> {
  try {
    const { getAuth } = await import("./auth");
    await getAuth();
  } catch (error) {
    console.error(`Rewind cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

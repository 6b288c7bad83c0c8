import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type DatabaseConfig, openDatabase } from "@/server/db/database";
import { applyMigrations } from "@/server/db/migrate";
import { createPostgresDatabase } from "../../../../test/databases";
import { LocalBoardEvents } from "../live/BoardEvents";
import { BoardService } from "./BoardService";

const child = path.resolve(import.meta.dirname, "../../../../test/fixtures/flush-until-killed.ts");
const CHILD_NAME = "rewind-crash-child";

/** Runs the child until it has acknowledged `acks` flushes, then kills it with SIGKILL. */
function flushThenKill(config: DatabaseConfig, boardId: string, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // One process (node with tsx as a loader, not the tsx wrapper), so SIGKILL hits the writer.
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", child, JSON.stringify(config), boardId, "crash-client", "u"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let last = 0;
    let buffer = "";
    let stderr = "";
    proc.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    proc.stdout.on("data", (chunk) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const [, seq] = line.split(" ");
        last = Number(seq);
        if (last >= acks) proc.kill("SIGKILL");
      }
    });
    proc.on("exit", () =>
      last > 0 ? resolve(last) : reject(new Error(`child failed: ${stderr}`)),
    );
  });
}

async function crashCase(config: DatabaseConfig) {
  const db = await openDatabase(config);
  await applyMigrations(db.adapterFactory);
  await db.prisma.user.create({ data: { id: "u", name: "U", email: "u@example.com" } });
  const setup = new BoardService(db.prisma, new LocalBoardEvents());
  await setup.store.createBoard({ id: "crash", title: "Crash", ownerId: "u" });
  await setup.flush(
    "crash",
    {
      clientId: "setup",
      batchSeq: 1,
      from: 0,
      commands: [{ action: "create", path: ["lists"], createdId: "l", props: { title: "L" } }],
    },
    "u",
  );
  await setup.close();
  if (config.kind === "pglite") await db.close(); // one process at a time on a PGlite folder

  // The child gets its own connection name so we can tell when PostgreSQL has finished with it.
  const childConfig: DatabaseConfig =
    config.kind === "postgresql"
      ? { ...config, url: `${config.url}?application_name=${CHILD_NAME}` }
      : config;
  const acknowledged = await flushThenKill(childConfig, "crash", 30);
  if (config.kind === "postgresql") {
    // A statement the child sent before dying (even its COMMIT) still runs to its end on the
    // server; wait for its connections to close before looking.
    for (;;) {
      const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${CHILD_NAME}`;
      if (row?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const after = config.kind === "pglite" ? await openDatabase(config) : db;
  const service = new BoardService(after.prisma, new LocalBoardEvents());
  try {
    // Every acknowledged flush is there: its item exists (the next flush, if applied, deleted it
    // and created the next one).
    const { version, document } = await service.load("crash");
    const items = Object.keys(
      ((document.lists as Record<string, Record<string, object>>).l?.items ?? {}) as object,
    );
    const applied = (await service.store.clientOutcomes("crash", ["crash-client"])).get(
      "crash-client",
    );
    expect(applied?.batchSeq).toBeGreaterThanOrEqual(acknowledged);
    // One flush in flight at most: the only batch that may have landed unacknowledged is the next.
    expect(applied?.batchSeq).toBeLessThanOrEqual(acknowledged + 1);
    expect(items).toEqual([`i${applied?.batchSeq}`]);
    expect(version).toBe(1 + 2 * (applied?.batchSeq ?? 0) - 1);
    // The client retries its last batch (it may or may not have landed) on a fresh instance.
    const retrySeq = applied?.batchSeq ?? 0;
    const retry = await service.flush(
      "crash",
      {
        clientId: "crash-client",
        batchSeq: retrySeq,
        from: 0,
        commands: [
          {
            action: "create",
            path: ["lists", "l", "items"],
            createdId: `i${retrySeq}`,
            props: { text: "x" },
          },
        ],
      },
      "u",
    );
    expect(retry.errors).toEqual(applied?.errors);
    expect((await service.load("crash")).version).toBe(version); // not applied twice
    const rows = await after.prisma.boardCommand.findMany({
      where: { boardId: "crash" },
      select: { version: true },
      orderBy: { version: "asc" },
    });
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
  } finally {
    await service.close();
    await after.close();
  }
}

describe("a server killed mid-flush loses nothing it acknowledged", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("PGlite (data folder on disk)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rewind-crash-"));
    dirs.push(dir);
    await crashCase({ kind: "pglite", dataDir: dir });
  }, 120_000);

  it.skipIf(!inject("postgresUrl"))(
    "PostgreSQL",
    async () => {
      const url = await createPostgresDatabase(inject("postgresUrl") ?? "");
      await crashCase({ kind: "postgresql", url, poolSize: 4 });
    },
    120_000,
  );
});

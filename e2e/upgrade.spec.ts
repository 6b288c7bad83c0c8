// Upgrading in place: `npm start` on a PGlite folder written by an older release. The server
// applies the missing migrations at start (in a short-lived child process: see
// src/server/db/migrate-in-process.ts), reopens the folder and serves it; what the folder held is
// still there.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { apiClient, createBoardWithItems, signUp } from "../bench/clients";
import { openDatabase } from "../src/server/db/database";
import {
  applyMigrations,
  defaultMigrationPaths,
  migrationsPending,
  readMigrationList,
} from "../src/server/db/migrate";
import { startServer } from "../test/server-process";

const dataDir = ".data/e2e-upgrade";
const folder = path.join(dataDir, "pglite");

test("a server started on a PGlite folder from an older release brings it up to date and serves it", async () => {
  test.setTimeout(120_000);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // The folder as the release before the last migration left it, with an account in it.
  const scratch = mkdtempSync(path.join(tmpdir(), "rewind-older-"));
  const all = defaultMigrationPaths();
  const older = { ...all, migrationsDir: path.join(scratch, "migrations") };
  cpSync(all.migrationsDir, older.migrationsDir, { recursive: true });
  const names = (await readMigrationList(all.migrationsDir)).migrationDirectories.map(
    (m) => m.path,
  );
  const last = names.at(-1) as string;
  rmSync(path.join(older.migrationsDir, last), { recursive: true });
  const before = await openDatabase({ kind: "pglite", dataDir: folder });
  try {
    expect(await applyMigrations(before.adapterFactory, older)).toEqual(names.slice(0, -1));
    await before.prisma.$executeRaw`
      INSERT INTO "user" (id, name, email) VALUES ('old-user', 'Old', 'old@example.com')`;
  } finally {
    await before.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  const server = await startServer({ port: 3163, dataDir, keepData: true });
  try {
    // A board and its first edits use what the last migration added (each command's targets).
    const cookie = await signUp(server.url, "upgrade");
    const { api, close } = apiClient(server.url, cookie, "websocket");
    try {
      const { boardId, version } = await createBoardWithItems(api, "After the upgrade", ["a"]);
      expect(version).toBe(2);
      const { entries } = await api.history.list.query({ boardId, itemId: "a" });
      expect(entries).toHaveLength(1);
      expect(entries[0]?.item?.after).toMatchObject({ text: "" });
    } finally {
      await close();
    }
  } finally {
    expect(await server.stop()).toBe(0);
  }

  const after = await openDatabase({ kind: "pglite", dataDir: folder });
  try {
    expect(await migrationsPending(after.prisma)).toBe(false);
    const old = await after.prisma.user.findUnique({ where: { id: "old-user" } });
    expect(old?.name).toBe("Old");
  } finally {
    await after.close();
  }
});

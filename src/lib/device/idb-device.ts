import { type DBSchema, deleteDB, type IDBPDatabase, openDB } from "idb";
import { PROTOCOL_VERSION } from "@/sync";
import type { BoardCache, CachedBoard, KeptEdits } from "./BoardCache";
import { PAGES_CACHE } from "./names";

/** Boards kept per person; the least recently opened go first. */
export const MAX_BOARDS = 50;

interface DeviceSchema extends DBSchema {
  boards: {
    key: string;
    value: CachedBoard & { boardId: string; openedAt: number };
    indexes: { openedAt: number };
  };
  edits: {
    key: string;
    value: KeptEdits & { boardId: string; clientId: string };
    indexes: { boardId: string };
  };
  /** The person's role on each board, last known: a board opened offline is editable or not. */
  roles: { key: string; value: { boardId: string; role: string } };
}

const PREFIX = "rewind:";

/**
 * One database per person (`rewind:<userId>`): nothing of one account is readable by another
 * signed in on the same browser, and signing out deletes it whole. Its version is the sync
 * protocol's, so boards and edits kept under another protocol are dropped, not misread.
 */
function databaseName(userId: string) {
  return `${PREFIX}${userId}`;
}

const opened = new Map<string, Promise<IDBPDatabase<DeviceSchema>>>();

function open(userId: string): Promise<IDBPDatabase<DeviceSchema>> {
  let db = opened.get(userId);
  if (!db) {
    db = openLayout(userId).catch(async (error: unknown) => {
      // Kept by a newer protocol (a page of a later release, then a rollback): this one cannot
      // read it, and its boards come again from the server.
      if (!(error instanceof DOMException && error.name === "VersionError")) throw error;
      await deleteDB(databaseName(userId));
      return openLayout(userId);
    });
    opened.set(userId, db);
    db.catch(() => opened.delete(userId));
  }
  return db;
}

function openLayout(userId: string): Promise<IDBPDatabase<DeviceSchema>> {
  const db: Promise<IDBPDatabase<DeviceSchema>> = openDB<DeviceSchema>(
    databaseName(userId),
    PROTOCOL_VERSION,
    {
      upgrade(database) {
        // Another protocol's boards and edits cannot be read by this one: start empty.
        for (const name of [...database.objectStoreNames]) database.deleteObjectStore(name);
        database
          .createObjectStore("boards", { keyPath: "boardId" })
          .createIndex("openedAt", "openedAt");
        database
          .createObjectStore("edits", { keyPath: "clientId" })
          .createIndex("boardId", "boardId");
        database.createObjectStore("roles", { keyPath: "boardId" });
      },
      blocking() {
        // A newer page wants another protocol's layout, or a sign-out deletes it: let go.
        void db.then((open) => open.close());
        opened.delete(userId);
      },
    },
  );
  return db;
}

/** Whether this browser keeps boards on the device (IndexedDB); not on the server, not in tests. */
export function deviceAvailable(): boolean {
  return typeof indexedDB !== "undefined";
}

/** `boardId` kept on this device for `userId`, in IndexedDB. */
export function deviceBoard(userId: string, boardId: string): BoardCache {
  return {
    async board() {
      const kept = await (await open(userId)).get("boards", boardId);
      return kept ? { version: kept.version, document: kept.document } : null;
    },
    async saveBoard(board) {
      const db = await open(userId);
      await db.put("boards", { ...board, boardId, openedAt: Date.now() });
      await dropLeastRecent(db);
    },
    async edits() {
      const db = await open(userId);
      const rows = await db.getAllFromIndex("edits", "boardId", boardId);
      return new Map(rows.map((row) => [row.clientId, row]));
    },
    async saveEdits(kept) {
      const db = await open(userId);
      await db.put("edits", { ...kept, boardId, clientId: kept.pending.clientId });
    },
    async discardEdits(clientId) {
      await (await open(userId)).delete("edits", clientId);
    },
  };
}

/** The person's role on `boardId` as last known on this device, or null. */
export async function keptRole(userId: string, boardId: string): Promise<string | null> {
  if (!deviceAvailable()) return null;
  try {
    return (await (await open(userId)).get("roles", boardId))?.role ?? null;
  } catch {
    return null;
  }
}

/** Notes the person's role on `boardId` (read when the board opens with no network). */
export async function keepRole(userId: string, boardId: string, role: string): Promise<void> {
  if (!deviceAvailable()) return;
  await (await open(userId)).put("roles", { boardId, role }).catch(() => {});
}

/** Keeps the MAX_BOARDS most recently opened boards (their unsent edits stay until sent). */
async function dropLeastRecent(db: IDBPDatabase<DeviceSchema>) {
  const count = await db.count("boards");
  if (count <= MAX_BOARDS) return;
  const tx = db.transaction("boards", "readwrite");
  let cursor = await tx.store.index("openedAt").openCursor();
  for (let extra = count - MAX_BOARDS; cursor && extra > 0; extra--) {
    await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}

/** Signing out: everything this device kept for `userId` goes (boards, edits, pages). */
export async function forgetDevice(userId: string): Promise<void> {
  if (typeof caches !== "undefined") await caches.delete(PAGES_CACHE).catch(() => false);
  if (!deviceAvailable()) return;
  const db = opened.get(userId);
  opened.delete(userId);
  await db?.then((open) => open.close()).catch(() => {});
  // Another tab of this person closes its connection when told (`blocking`); a tab that does
  // not answer within 2 s does not keep the sign-out waiting (its copy goes when it closes).
  await Promise.race([
    deleteDB(databaseName(userId)),
    new Promise((resolve) => setTimeout(resolve, 2_000)),
  ]);
}

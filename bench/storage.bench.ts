// npm run bench:storage — what the command history costs on disk, on a throwaway PostgreSQL:
// 20,000 edits as people make them (one command per flush, each its own action, ten clients),
// then each table's size (rows, indexes, TOAST) per command and per million commands.
import { LocalBoardEvents } from "../src/server/boards/live/BoardEvents";
import { openDatabase } from "../src/server/db/database";
import { applyMigrations } from "../src/server/db/migrate";
import { createServices } from "../src/server/services";
import type { Command } from "../src/sync";
import { seededRandom } from "../src/sync/testing/random";
import { createPostgresDatabase } from "../test/databases";
import { findPostgresBin, startPostgresCluster } from "../test/postgres-cluster";
import { runBench } from "./stats";

const EDITS = Number(process.env.STORAGE_EDITS ?? 20_000);
const CLIENTS = 10;
const TABLES = ["board_command", "board_batch", "board_action", "board_checkpoint", "board"];

async function main() {
  const bin = findPostgresBin();
  if (!bin) throw new Error("bench:storage needs PostgreSQL's server binaries");
  const cluster = await startPostgresCluster(bin);
  try {
    const url = await createPostgresDatabase(cluster.url);
    const db = await openDatabase({ kind: "postgresql", url, poolSize: 4 });
    await applyMigrations(db.adapterFactory);
    const services = createServices(db, { events: new LocalBoardEvents() });
    const user = { id: "storage", name: "Storage", email: "storage@example.com" };
    await db.prisma.user.create({ data: user });
    const boardId = "storage";
    await services.boards.create({ id: boardId, title: "Storage", ownerId: user.id });
    const random = seededRandom(1);
    const live: string[] = [];
    let version = 0;
    const batchSeq = new Array<number>(CLIENTS).fill(0);
    const started = performance.now();
    for (let n = 0; n < EDITS; n++) {
      const client = n % CLIENTS;
      const id = live[random.int(Math.max(1, live.length))];
      const roll = random.int(10);
      let command: Command;
      if (n === 0) {
        command = { action: "create", path: ["lists"], createdId: "l", props: { title: "Todo" } };
      } else if (!id || (roll < 3 && live.length < 800)) {
        const itemId = `i${n}`;
        live.push(itemId);
        command = {
          action: "create",
          path: ["lists", "l", "items"],
          createdId: itemId,
          props: { text: `Item number ${n}`, done: false },
        };
      } else if (roll < 4 && live.length > 300) {
        live.splice(live.indexOf(id), 1);
        command = { action: "delete", path: ["lists", "l", "items", id] };
      } else {
        command = {
          action: "update",
          path: ["lists", "l", "items", id],
          props: random.chance(0.5) ? { done: random.chance(0.5) } : { text: `Edited ${n}` },
        };
      }
      batchSeq[client] = (batchSeq[client] ?? 0) + 1;
      const answer = await services.boards.flush(
        boardId,
        {
          clientId: `c${client}`,
          batchSeq: batchSeq[client] ?? 1,
          from: version,
          commands: [command],
        },
        user.id,
      );
      version = answer.version;
    }
    const seconds = (performance.now() - started) / 1000;
    await db.prisma.$executeRawUnsafe("VACUUM ANALYZE");
    console.log(
      `PostgreSQL: ${version.toLocaleString("en-US")} commands in ${EDITS.toLocaleString("en-US")} one-command flushes (${seconds.toFixed(0)} s), checkpoint every ${services.boards.store.checkpointEvery}`,
    );
    let total = 0;
    for (const table of TABLES) {
      const [row] = await db.prisma.$queryRawUnsafe<{ bytes: bigint; rows: bigint }[]>(
        `SELECT pg_total_relation_size('${table}') AS bytes, (SELECT count(*) FROM ${table}) AS rows`,
      );
      const bytes = Number(row?.bytes ?? 0);
      total += bytes;
      console.log(
        `  ${table.padEnd(18)} ${String(row?.rows ?? 0).padStart(8)} rows  ${(bytes / 1024 / 1024).toFixed(1).padStart(7)} MB  ${(bytes / version).toFixed(0).padStart(5)} B per command`,
      );
    }
    console.log(
      `  total: ${(total / version).toFixed(0)} B per command → ${(((total / version) * 1e6) / 1024 ** 3).toFixed(2)} GB per million commands`,
    );
    await services.close();
    await db.close();
  } finally {
    cluster.stop();
  }
}

runBench(main);

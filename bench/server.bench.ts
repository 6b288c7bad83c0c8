// npm run bench:server — one hot board, on PGlite and on a throwaway PostgreSQL (when installed):
// Rewind's board service vs the naive scheme of the original Flushout write-up, and how fast a
// flush reaches subscribers.
import {
  type BoardEvents,
  LocalBoardEvents,
  PostgresBoardEvents,
} from "../src/server/boards/live/BoardEvents";
import { BoardService } from "../src/server/boards/master/BoardService";
import type { Database } from "../src/server/db/database";
import { applyMigrations } from "../src/server/db/migrate";
import { applyCommand, type Command, type Doc } from "../src/sync";
import { onEachDatabase } from "./databases";
import { median, percentile } from "./stats";

const WRITERS = 50;
const FLUSHES_PER_WRITER = 40;
const SUBSCRIBERS = 50;
const PROPAGATION_SAMPLES = 200;
const TRIALS = 3;

const toggle = (n: number): Command => ({
  action: "update",
  path: ["lists", "l", "items", `i${n % 100}`],
  props: { done: n % 2 === 0, text: `edit ${n}` },
});

async function seedBoard(db: Database, service: BoardService, boardId: string) {
  await db.prisma.user.upsert({
    where: { id: "bench" },
    create: { id: "bench", name: "Bench", email: "bench@example.com" },
    update: {},
  });
  await service.store.createBoard({ id: boardId, title: "Bench", ownerId: "bench" });
  const commands: Command[] = [
    { action: "create", path: ["lists"], createdId: "l", props: { title: "L" } },
  ];
  for (let i = 0; i < 100; i++) {
    commands.push({
      action: "create",
      path: ["lists", "l", "items"],
      createdId: `i${i}`,
      props: { text: `item ${i}` },
    });
  }
  await service.flush(boardId, { clientId: "seed", batchSeq: 1, from: 0, commands }, "bench");
}

/** 50 writers, each flushing one command at a time through the board service. */
async function rewindRate(service: BoardService, boardId: string): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const clientId = `w${w}-${Math.random()}`;
      // Like a real client: each flush says which version its base is at (from the last answer).
      let from = (await service.load(boardId)).version;
      for (let seq = 1; seq <= FLUSHES_PER_WRITER; seq++) {
        const response = await service.flush(
          boardId,
          { clientId, batchSeq: seq, from, commands: [toggle(w * 1000 + seq)] },
          "bench",
        );
        if (response.errors.length > 0) throw new Error(response.errors[0]?.message);
        from = response.version;
      }
    }),
  );
  return (WRITERS * FLUSHES_PER_WRITER) / ((performance.now() - start) / 1000);
}

/** The naive scheme: read the snapshot, apply, write it back if nobody wrote meanwhile, else retry. */
async function naiveRate(db: Database, document: Doc): Promise<number> {
  await db.prisma.$executeRawUnsafe(
    "CREATE TABLE IF NOT EXISTS naive_board (id text PRIMARY KEY, command_count int NOT NULL, document jsonb NOT NULL)",
  );
  await db.prisma.$executeRawUnsafe("DELETE FROM naive_board");
  await db.prisma
    .$executeRaw`INSERT INTO naive_board VALUES ('b', 0, ${JSON.stringify(document)}::jsonb)`;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let n = 0; n < FLUSHES_PER_WRITER; n++) {
        for (;;) {
          const [row] = await db.prisma.$queryRaw<{ command_count: number; document: Doc }[]>`
            SELECT command_count, document FROM naive_board WHERE id = 'b'`;
          if (!row) throw new Error("naive board missing");
          const doc = structuredClone(row.document);
          applyCommand(doc, toggle(w * 1000 + n), { onCollision: "rename" });
          const updated = await db.prisma.$executeRaw`
            UPDATE naive_board SET document = ${JSON.stringify(doc)}::jsonb, command_count = ${row.command_count + 1}
            WHERE id = 'b' AND command_count = ${row.command_count}`;
          if (updated === 1) break;
        }
      }
    }),
  );
  const rate = (WRITERS * FLUSHES_PER_WRITER) / ((performance.now() - start) / 1000);
  await db.prisma.$executeRawUnsafe("DROP TABLE naive_board");
  return rate;
}

/** Time from a flush to each of 50 subscribers having the new commands in hand. */
async function propagation(service: BoardService, boardId: string): Promise<number[]> {
  const samples: number[] = [];
  // Flushes go one at a time, so whatever a subscriber receives belongs to the flush in progress.
  let waiting: { start: number; left: number; done: () => void } | null = null;
  const offs = Array.from({ length: SUBSCRIBERS }, () => {
    let seen = 0;
    return service.events.subscribe(boardId, (version) => {
      if (version <= seen) return;
      const from = seen || version - 1;
      seen = version;
      // What the subscription procedure does per event: read the missing commands.
      void service.changesSince(boardId, from, version).then(() => {
        const w = waiting;
        if (!w) return;
        samples.push(performance.now() - w.start);
        if (--w.left === 0) w.done();
      });
    });
  });
  let from = (await service.load(boardId)).version;
  for (let n = 0; n < PROPAGATION_SAMPLES; n++) {
    const start = performance.now();
    const received = new Promise<void>((done) => {
      waiting = { start, left: SUBSCRIBERS, done };
    });
    const response = await service.flush(
      boardId,
      { clientId: "prop", batchSeq: n + 1, from, commands: [toggle(n)] },
      "bench",
    );
    from = response.version;
    await received;
  }
  for (const off of offs) off();
  return samples;
}

async function benchDatabase(
  label: string,
  open: () => Promise<Database>,
  events: (db: Database) => BoardEvents,
) {
  const rewind: number[] = [];
  const naive: number[] = [];
  let latencies: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const db = await open();
    await applyMigrations(db.adapterFactory);
    const bus = events(db);
    if (bus instanceof PostgresBoardEvents) await bus.listening();
    const service = new BoardService(db.prisma, bus);
    const boardId = `bench-${trial}`;
    await seedBoard(db, service, boardId);
    rewind.push(await rewindRate(service, boardId));
    // BENCH_SKIP_NAIVE=1 leaves out the slow naive scheme (to compare two commits of Rewind).
    if (!process.env.BENCH_SKIP_NAIVE)
      naive.push(await naiveRate(db, (await service.load(boardId)).document));
    if (trial === 0) latencies = await propagation(service, boardId);
    process.stdout.write(".");
    await service.close();
    await bus.close();
    await db.close();
  }
  const r = median(rewind);
  const n = median(naive);
  console.log(
    `\n${label}: one hot board, ${WRITERS} concurrent writers, one command per flush (median of ${TRIALS})`,
  );
  console.log(
    `  Rewind (group commit, row lock)     ${Math.round(r).toLocaleString("en-US").padStart(8)} commands/s   target >= 5,000`,
  );
  if (naive.length === 0) {
    console.log("  naive snapshot + conditional update  skipped (BENCH_SKIP_NAIVE)");
  } else {
    console.log(
      `  naive snapshot + conditional update ${Math.round(n).toLocaleString("en-US").padStart(8)} commands/s`,
    );
    console.log(
      `  ratio                               ${(r / n).toFixed(1).padStart(8)}x           target >= 10x`,
    );
  }
  console.log(
    `  propagation to ${SUBSCRIBERS} subscribers         p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms   target p50 < 15 ms, p99 < 60 ms`,
  );
}

async function main() {
  console.log(`Board server benchmarks (node ${process.version})`);
  await onEachDatabase((label, open) =>
    benchDatabase(label, open, (db) =>
      db.kind === "postgresql" ? new PostgresBoardEvents(db.url as string) : new LocalBoardEvents(),
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

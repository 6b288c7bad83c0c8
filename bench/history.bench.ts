// npm run bench:history — a board with 100,000 commands, on PGlite and on a throwaway PostgreSQL
// (when installed): the board at random versions (history.stateAt), version 1,000 compared with
// the head (history.compare), the history of one item touched 50 times across the whole history
// (history.list with itemId; the same on a 10,000-command board, to show it does not grow with
// the history), the first page of Recently deleted (history.deleted), undo of the caller's latest
// action, and undo of an action 1,000 versions back (selective undo), p50 and p95, in process
// (where the cost is). Then the reads people meet, through a production server's front door
// (bench/history-wire.ts; needs `npm run build`). HISTORY_BENCH=process or =wire runs one part.
import { LocalBoardEvents } from "../src/server/boards/live/BoardEvents";
import type { BoardService } from "../src/server/boards/master/BoardService";
import type { Database } from "../src/server/db/database";
import { applyMigrations } from "../src/server/db/migrate";
import { createServices } from "../src/server/services";
import type { Command } from "../src/sync";
import { seededRandom } from "../src/sync/testing/random";
import { onEachDatabase } from "./databases";
import { COMMANDS, FOCUS, FOCUS_TOUCHES, historyFlushes } from "./history-seed";
import { benchHistoryWire } from "./history-wire";
import { percentile } from "./stats";

const STATE_SAMPLES = 200;
const UNDO_SAMPLES = 100;
const BACK = 1_000;
const TARGETS = { stateAt: 50, latest: 30, back: 100, compare: 50, item: 20, deleted: 20 };
const COMPARE_SAMPLES = 50;
const READ_SAMPLES = 100;

const ada = { id: "bench-ada", name: "Ada" };
const bob = { id: "bench-bob", name: "Bob" };

/** Seeds board `boardId` with `total` commands, flushes alternating between Ada and Bob. */
async function seed(db: Database, service: BoardService, boardId: string, total = COMMANDS) {
  for (const user of [ada, bob]) {
    await db.prisma.user.upsert({
      where: { id: user.id },
      create: { ...user, email: `${user.id}@example.com` },
      update: {},
    });
  }
  await service.store.createBoard({ id: boardId, title: "Bench", ownerId: ada.id });
  const flushes = historyFlushes(total);
  let version = 0;
  for (let flush = 0; ; flush++) {
    const next = flushes.next();
    if (next.done) return { version, live: next.value };
    const user = flush % 2 === 0 ? ada : bob;
    const response = await service.flush(
      boardId,
      {
        clientId: `seed-${user.id}`,
        batchSeq: Math.floor(flush / 2) + 1,
        from: version,
        commands: next.value,
      },
      user.id,
    );
    if (response.errors.length > 0) throw new Error(`seed: ${response.errors[0]?.message}`);
    version = response.version;
  }
}

function line(name: string, samples: number[], target: number) {
  const p50 = percentile(samples, 50);
  const p95 = percentile(samples, 95);
  const ok = p95 < target;
  console.log(
    `  ${ok ? "✓" : "✗"} ${name.padEnd(64)} p50 ${p50.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms   target p95 < ${target} ms`,
  );
}

async function benchDatabase(label: string, open: () => Promise<Database>) {
  const db = await open();
  await applyMigrations(db.adapterFactory);
  const services = createServices(db, { events: new LocalBoardEvents() });
  const service = services.boards;
  const boardId = "history-bench";
  const seeding = performance.now();
  const { version: head, live } = await seed(db, service, boardId);
  console.log(
    `\n${label}: board with ${head.toLocaleString("en-US")} commands (seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s, checkpoint every ${service.store.checkpointEvery})`,
  );
  const small = `${boardId}-small`;
  await seed(db, service, small, COMMANDS / 10);
  const random = seededRandom(7);

  const stateAt: number[] = [];
  for (let i = 0; i < STATE_SAMPLES; i++) {
    const version = random.int(head + 1);
    const start = performance.now();
    await services.history.stateAt(boardId, version);
    stateAt.push(performance.now() - start);
  }
  line("stateAt, random versions", stateAt, TARGETS.stateAt);

  const compare: number[] = [];
  for (let i = 0; i < COMPARE_SAMPLES; i++) {
    const start = performance.now();
    await services.history.compare(boardId, 1_000, head);
    compare.push(performance.now() - start);
  }
  line("compare version 1,000 with the head", compare, TARGETS.compare);

  // The item's story on this board, and on a board with a tenth of the history (seeded first).
  for (const [name, id] of [
    [`${(COMMANDS / 10).toLocaleString("en-US")}-command board`, small],
    [`${COMMANDS.toLocaleString("en-US")}-command board`, boardId],
  ] as const) {
    const item: number[] = [];
    for (let i = 0; i < READ_SAMPLES; i++) {
      const start = performance.now();
      const page = await services.history.items.entries(id, FOCUS, { limit: 100 });
      item.push(performance.now() - start);
      if (page.entries.length !== FOCUS_TOUCHES) {
        throw new Error(`item history: ${page.entries.length} entries, not ${FOCUS_TOUCHES}`);
      }
    }
    line(`history of an item touched ${FOCUS_TOUCHES} times, ${name}`, item, TARGETS.item);
  }

  const deleted: number[] = [];
  for (let i = 0; i < READ_SAMPLES; i++) {
    const start = performance.now();
    const page = await services.history.items.deleted(boardId, { limit: 30 });
    deleted.push(performance.now() - start);
    if (page.entries.length !== 30) throw new Error("Recently deleted: not a full first page");
  }
  line("Recently deleted, first page of 30", deleted, TARGETS.deleted);

  // Ada edits, then undoes that edit: the undo is what is timed.
  const latest: number[] = [];
  let from = head;
  for (let i = 0; i < UNDO_SAMPLES; i++) {
    const id = live[random.int(live.length)] as string;
    const command: Command = {
      action: "update",
      path: ["lists", "l", "items", id],
      props: { text: `latest ${i}` },
      actionId: `latest-${i}`,
      label: "Edit item",
    };
    const response = await service.flush(
      boardId,
      { clientId: "bench-latest", batchSeq: i + 1, from, commands: [command] },
      ada.id,
    );
    const start = performance.now();
    const undone = await services.history.undo(boardId, ada);
    latest.push(performance.now() - start);
    if (undone.entry.targetActionId !== `latest-${i}`) throw new Error("undid the wrong action");
    from = Math.max(response.version, undone.version);
  }
  line("undo of the caller's latest action", latest, TARGETS.latest);

  // Selective undo of one of Bob's actions about 1,000 versions before the head: on the hot board
  // (recent commands in memory), then on an instance that keeps none (all read from the database).
  const cold = createServices(db, { events: new LocalBoardEvents(), recentLimit: 0 });
  for (const [name, on] of [
    ["", services],
    [", commands from the database", cold],
  ] as const) {
    const back: number[] = [];
    for (let i = 0; i < UNDO_SAMPLES; i++) {
      const now = (await on.boards.load(boardId)).version;
      const target = await db.prisma.boardAction.findFirst({
        where: {
          boardId,
          userId: bob.id,
          kind: "edit",
          undone: false,
          toVersion: { lte: now - BACK },
        },
        orderBy: { toVersion: "desc" },
      });
      if (!target) throw new Error("no action to undo");
      const start = performance.now();
      await on.history.undo(boardId, ada, { actionId: target.actionId });
      back.push(performance.now() - start);
    }
    line(
      `undo of an action ${BACK.toLocaleString("en-US")} versions back${name}`,
      back,
      TARGETS.back,
    );
  }
  await cold.close();
  await service.close();
  await db.close();
}

async function main() {
  console.log(`History benchmarks (node ${process.version})`);
  const only = process.env.HISTORY_BENCH; // "process" or "wire": one part only
  if (only !== "wire") await onEachDatabase(benchDatabase);
  if (only !== "process") await benchHistoryWire();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

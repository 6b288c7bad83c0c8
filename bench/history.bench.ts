// npm run bench:history — a board with 100,000 commands, on PGlite and on a throwaway PostgreSQL
// (when installed): the board at random versions (history.stateAt), version 1,000 compared with
// the head (history.compare), undo of the caller's latest action, and undo of an action 1,000
// versions back (selective undo), p50 and p95.
import { LocalBoardEvents } from "../src/server/boards/BoardEvents";
import type { BoardService } from "../src/server/boards/BoardService";
import type { Database } from "../src/server/db/database";
import { applyMigrations } from "../src/server/db/migrate";
import { createServices } from "../src/server/services";
import type { Command } from "../src/sync";
import { seededRandom } from "../src/sync/testing/random";
import { onEachDatabase } from "./databases";
import { percentile } from "./stats";

const COMMANDS = 100_000;
const PER_FLUSH = 500;
const STATE_SAMPLES = 200;
const UNDO_SAMPLES = 100;
const BACK = 1_000;
const TARGETS = { stateAt: 50, latest: 30, back: 100, compare: 50 };
const COMPARE_SAMPLES = 50;

const ada = { id: "bench-ada", name: "Ada" };
const bob = { id: "bench-bob", name: "Bob" };

/**
 * 100,000 commands in 200 flushes of 500, alternating between Ada and Bob; every command is its
 * own action (as a person clicking): items added (up to 800), edited, checked and deleted.
 */
async function seed(db: Database, service: BoardService, boardId: string) {
  for (const user of [ada, bob]) {
    await db.prisma.user.upsert({
      where: { id: user.id },
      create: { ...user, email: `${user.id}@example.com` },
      update: {},
    });
  }
  await service.store.createBoard({ id: boardId, title: "Bench", ownerId: ada.id });
  const random = seededRandom(42);
  const live: string[] = [];
  let created = 0;
  let version = 0;
  let n = 0;
  for (let flush = 0; version < COMMANDS; flush++) {
    const commands: Command[] = [];
    if (flush === 0)
      commands.push({ action: "create", path: ["lists"], createdId: "l", props: { title: "L" } });
    while (commands.length < Math.min(PER_FLUSH, COMMANDS - version)) {
      const actionId = `a${++n}`;
      const roll = random.int(10);
      const id = live.length > 0 ? live[random.int(live.length)] : undefined;
      if (!id || (roll < 2 && live.length < 800)) {
        const itemId = `i${++created}`;
        live.push(itemId);
        commands.push({
          action: "create",
          path: ["lists", "l", "items"],
          createdId: itemId,
          props: { text: `item ${created}` },
          actionId,
          label: "Add item",
        });
      } else if (roll < 3 && live.length > 400) {
        live.splice(live.indexOf(id), 1);
        commands.push({
          action: "delete",
          path: ["lists", "l", "items", id],
          actionId,
          label: "Delete item",
        });
      } else {
        commands.push({
          action: "update",
          path: ["lists", "l", "items", id],
          props: random.chance(0.5) ? { done: random.chance(0.5) } : { text: `edit ${n}` },
          actionId,
          label: "Edit item",
        });
      }
    }
    const user = flush % 2 === 0 ? ada : bob;
    const response = await service.flush(
      boardId,
      { clientId: `seed-${user.id}`, batchSeq: Math.floor(flush / 2) + 1, from: version, commands },
      user.id,
    );
    if (response.errors.length > 0) throw new Error(`seed: ${response.errors[0]?.message}`);
    version = response.version;
  }
  return { version, live };
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
  await onEachDatabase(benchDatabase);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

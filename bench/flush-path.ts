// Which of our files one idle flush enters, and how often: `npm run trace:flush`.
//
// A real socket server (test/socket.ts: tRPC's WebSocket adapter on the services, as in
// production) on PGlite, then on a throwaway PostgreSQL with LISTEN/NOTIFY events. A raw `ws`
// client (no code of ours on the client side) flushes one command while another socket is
// subscribed to the board; V8's precise coverage counts every call of every function of
// `src/` between the flush leaving and both the answer and the subscriber's event arriving.
// Printed per file: the functions called and how many times, in the order the path reaches
// the files. Counts are calls, including a file's calls to its own functions and closures.
import { Session } from "node:inspector/promises";
import { WebSocket } from "ws";
import type { Database } from "../src/server/db/database";
import { until } from "../test/until";
import { onEachDatabase } from "./databases";

interface FunctionCoverage {
  functionName: string;
  ranges: { startOffset: number; count: number }[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

const root = new URL("../src/", import.meta.url).href;

/** A socket speaking tRPC's JSON-RPC by hand: nothing of ours runs on the client side. */
function rawSocket(url: string, cookie: string) {
  const socket = new WebSocket(url, { headers: { cookie } });
  const messages: {
    id?: unknown;
    result?: { type?: string; id?: string; data?: unknown };
    error?: unknown;
  }[] = [];
  socket.on("message", (raw) => messages.push(JSON.parse(raw.toString())));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    messages,
    opened,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    close: () => socket.close(),
  };
}

async function trace(label: string, open: () => Promise<Database>) {
  const { applyMigrations } = await import("../src/server/db/migrate");
  const { LocalBoardEvents, PostgresBoardEvents } = await import(
    "../src/server/boards/live/BoardEvents"
  );
  const { callerFor, createUsers, newServices } = await import("../test/api");
  const { signedIn, startSocketServer } = await import("../test/socket");
  const { addList, addItem } = await import("../test/board-commands");

  const db = await open();
  await applyMigrations(db.adapterFactory);
  const events =
    db.kind === "postgresql" ? new PostgresBoardEvents(db.url as string) : new LocalBoardEvents();
  const services = newServices(db, { events });
  if (events instanceof PostgresBoardEvents) await events.listening();
  const server = await startSocketServer(services);
  const [ada] = await createUsers(db, "ada");
  if (!ada) throw new Error("no user");
  const { id: boardId } = await callerFor(services, ada).board.create({ title: "Trace" });
  const cookie = await signedIn(db, ada);
  const writer = rawSocket(server.url, cookie);
  const watcher = rawSocket(server.url, cookie);
  await Promise.all([writer.opened, watcher.opened]);

  let batchSeq = 0;
  let version = 0;
  let nextId = 10;
  /** One flush of `command`; resolves once answered and the subscriber got its version. */
  async function flush(command: unknown) {
    const id = nextId++;
    batchSeq += 1;
    writer.send({
      id,
      method: "mutation",
      params: {
        path: "sync.flush",
        input: {
          json: { boardId, clientId: "trace", batchSeq, from: version, commands: [command] },
        },
      },
    });
    await until(() => writer.messages.some((m) => m.id === id), 10_000);
    const answer = writer.messages.find((m) => m.id === id);
    const data = (answer?.result?.data as { json?: { version?: number } } | undefined)?.json;
    if (typeof data?.version !== "number") throw new Error(`flush: ${JSON.stringify(answer)}`);
    version = data.version;
    await until(
      () => watcher.messages.some((m) => m.id === 1 && m.result?.id === String(version)),
      10_000,
    );
  }

  watcher.send({
    id: 1,
    method: "subscription",
    params: { path: "sync.subscribe", input: { json: { boardId, lastEventId: "0" } } },
  });
  await flush(addList("l1"));
  for (let i = 0; i < 50; i++) await flush(addItem("l1", `warm-${i}`));

  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: false });
  await session.post("Profiler.takePreciseCoverage"); // counts start from here
  await flush(addItem("l1", "traced"));
  const { result } = (await session.post("Profiler.takePreciseCoverage")) as {
    result: ScriptCoverage[];
  };
  await session.post("Profiler.stopPreciseCoverage");
  session.disconnect();

  console.log(`\n${label}: one idle flush of one command, one subscriber`);
  const files: { file: string; calls: string[]; total: number }[] = [];
  for (const script of result) {
    if (!script.url.startsWith(root)) continue;
    const file = script.url.slice(root.length);
    const calls: string[] = [];
    let total = 0;
    for (const fn of script.functions) {
      const count = fn.ranges[0]?.count ?? 0;
      // The module's own top level (no name, offset 0) ran when it loaded, not now.
      if (count === 0 || (fn.functionName === "" && fn.ranges[0]?.startOffset === 0)) continue;
      calls.push(`${fn.functionName || "(anonymous)"}${count > 1 ? ` ×${count}` : ""}`);
      total += count;
    }
    if (calls.length > 0) files.push({ file, calls, total });
  }
  const ours = files.filter(({ file }) => !file.startsWith("sync/") && !file.startsWith("board/"));
  const engine = files.filter(({ file }) => file.startsWith("sync/") || file.startsWith("board/"));
  for (const { file, calls } of ours) console.log(`  ${file}: ${calls.join(", ")}`);
  console.log(
    `  engine and board rules (src/sync, src/board): ${engine.map((f) => f.file).join(", ")}`,
  );
  console.log(`  files of src/server and src/lib entered: ${ours.length}`);

  writer.close();
  watcher.close();
  await server.close();
  await services.close();
  await db.close();
}

await onEachDatabase(trace);
process.exit(0);

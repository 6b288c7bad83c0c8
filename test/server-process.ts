import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

/** A production Rewind server in its own process, watched from outside (CPU time, memory). */
export interface ServerProcess {
  url: string;
  pid: number;
  /** CPU time the server process has used so far (user + system), in milliseconds. */
  cpuMs(): number;
  /** Resident memory of the server process, in MB. */
  rssMb(): number;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code (null: killed). */
  stop(): Promise<number | null>;
}

const TICKS_PER_SECOND = 100; // Linux's USER_HZ

/** The metrics token the servers started here (and the e2e server) are given. */
export const METRICS_TOKEN = "test-only-metrics-token-0123456789";

/** A server's /api/metrics page, read with the token. */
export async function metricsOf(url: string): Promise<string> {
  const response = await fetch(`${url}/api/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  if (!response.ok) throw new Error(`/api/metrics answered ${response.status}`);
  return response.text();
}

/**
 * Starts `npm start`'s server (`dist/server.mjs start`, built from src/server/main.ts: Next.js and
 * the tRPC WebSocket on one port) on a fresh data folder, and waits until /api/health answers.
 * Needs `npm run build`.
 */
export async function startServer(options: {
  port: number;
  dataDir: string;
  /** Keep what the data folder holds (a restart); by default it starts empty. */
  keepData?: boolean;
  env?: Record<string, string>;
  /** Extra flags for node, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}): Promise<ServerProcess> {
  if (!existsSync(".next/BUILD_ID") || !existsSync("dist/server.mjs")) {
    throw new Error("Run `npm run build` first.");
  }
  const url = `http://localhost:${options.port}`;
  const answering = await fetch(`${url}/api/health`).then(
    () => true,
    () => false,
  );
  if (answering) throw new Error(`Port ${options.port} is in use: stop whatever serves it first.`);
  if (!options.keepData) rmSync(options.dataDir, { recursive: true, force: true });
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), "--enable-source-maps", "dist/server.mjs", "start"],
    {
      env: {
        ...process.env,
        PORT: String(options.port),
        DATA_DIR: options.dataDir,
        AUTH_SECRET: "bench-only-secret-0123456789abcdef0123",
        AUTH_RATE_LIMIT: "0",
        // Benchmarks drive one account from many writers as fast as answers come, and seed
        // boards of 5,000 cards in seconds: fair-use limits off unless the environment sets them
        // (bench:fair-use sets the defaults; RATE_LIMIT_*=10000000 counts without refusing, to
        // measure what counting costs).
        RATE_LIMIT_FLUSHES: process.env.RATE_LIMIT_FLUSHES ?? "0",
        RATE_LIMIT_COMMANDS_PER_SECOND: process.env.RATE_LIMIT_COMMANDS_PER_SECOND ?? "0",
        RATE_LIMIT_COMMANDS: process.env.RATE_LIMIT_COMMANDS ?? "0",
        RATE_LIMIT_COMMANDS_PER_DAY: process.env.RATE_LIMIT_COMMANDS_PER_DAY ?? "0",
        RATE_LIMIT_SOCKETS: process.env.RATE_LIMIT_SOCKETS ?? "0",
        METRICS_TOKEN,
        NEXT_TELEMETRY_DISABLED: "1",
        ...options.env,
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const pid = child.pid as number;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return {
        url,
        pid,
        cpuMs() {
          const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
          // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the name).
          return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
        },
        rssMb() {
          const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
          return Number(line?.[1] ?? 0) / 1024;
        },
        async stop() {
          child.kill("SIGTERM");
          const timeout = setTimeout(() => child.kill("SIGKILL"), 10_000);
          const code = await exited;
          clearTimeout(timeout);
          return code;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error("The server did not start");
}

import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** A throwaway PostgreSQL server in a temporary folder, for tests. */
export interface PostgresCluster {
  url: string;
  /** Stops the server (fast: open connections are cut) and starts it again. */
  restart(): void;
  stop(): void;
}

/** The folder holding initdb and pg_ctl, or null when PostgreSQL's server is not installed. */
export function findPostgresBin(): string | null {
  const fromPath = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  const candidates = [
    fromPath.status === 0 ? fromPath.stdout.trim() : "",
    ...listVersions("/usr/lib/postgresql").map((v) => `/usr/lib/postgresql/${v}/bin`),
  ];
  return candidates.find((dir) => dir && existsSync(path.join(dir, "initdb"))) ?? null;
}

function listVersions(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).sort((a, b) => Number(b) - Number(a));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/**
 * initdb + pg_ctl start on a free port. PostgreSQL refuses to run as root, so as root the server
 * runs as the `postgres` account (created by Debian's package) in a folder it owns. A test cluster
 * skips flushing to disk (`fsync=off`, `synchronous_commit=off`): it is thrown away; `durable`
 * keeps PostgreSQL's defaults, each commit flushed as in production (for benchmarks).
 */
export async function startPostgresCluster(
  bin: string,
  { durable = false }: { durable?: boolean } = {},
): Promise<PostgresCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), "rewind-pg-"));
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
  }
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", path.join(bin, command), ...args]]
      : [path.join(bin, command), args];
    execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  };
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const throwaway = durable
    ? ""
    : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${throwaway} -c max_connections=200`;
  const log = path.join(dir, "server.log");
  run("pg_ctl", ["-D", dataDir, "-l", log, "-o", options, "-w", "start"]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    restart() {
      run("pg_ctl", ["-D", dataDir, "-l", log, "-o", options, "-m", "fast", "-w", "restart"]);
    },
    stop() {
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

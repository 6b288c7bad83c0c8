import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** HAProxy's binary, when installed (Debian's `haproxy` package; .ci/run installs it). */
export function findHaproxy(): string | null {
  for (const candidate of ["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export interface Balancer {
  url: string;
  stop(): void;
}

/**
 * HAProxy running deploy/haproxy.cfg as shipped, except where it listens (`port`) and the
 * instances it balances (`ports`, on this machine). Resolves once it answers /api/health.
 */
export async function startHaproxy(bin: string, port: number, ports: number[]): Promise<Balancer> {
  const shipped = readFileSync(path.resolve("deploy/haproxy.cfg"), "utf8");
  const servers = ports.map((p, i) => `    server app${i + 1} 127.0.0.1:${p} check`).join("\n");
  const config = shipped
    .replace(/^\s*bind .*$/m, `    bind 127.0.0.1:${port}`)
    .replace(/^(\s*server app\d+ .*\n?)+/m, `${servers}\n`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), "rewind-haproxy-")), "haproxy.cfg");
  writeFileSync(file, config);
  execFileSync(bin, ["-c", "-q", "-f", file]);
  const child: ChildProcess = spawn(bin, ["-db", "-f", file], {
    stdio: process.env.HAPROXY_LOG ? "inherit" : "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop: () => child.kill("SIGTERM") };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error("HAProxy did not start");
}

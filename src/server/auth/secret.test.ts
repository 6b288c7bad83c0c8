import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { resolveAuthSecret } from "./secret";

describe("resolveAuthSecret", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const tempDataDir = () => {
    dir = mkdtempSync(path.join(tmpdir(), "rewind-secret-"));
    return dir;
  };

  it("uses AUTH_SECRET when set", () => {
    const secret = "s".repeat(40);
    expect(resolveAuthSecret(parseEnv({ AUTH_SECRET: secret, DATA_DIR: tempDataDir() }))).toBe(
      secret,
    );
  });

  it("generates a secret once, keeps it in the data folder, and reuses it", () => {
    const env = parseEnv({ DATA_DIR: tempDataDir() });
    const first = resolveAuthSecret(env);
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, "auth-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(resolveAuthSecret(env)).toBe(first);
  });

  it("requires AUTH_SECRET in production on a shared PostgreSQL", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://db/rewind",
      DATA_DIR: tempDataDir(),
    });
    expect(() => resolveAuthSecret(env)).toThrow(/AUTH_SECRET is required/);
  });
});

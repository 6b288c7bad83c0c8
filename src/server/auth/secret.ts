import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Env } from "../env";

/**
 * The key that signs session cookies. AUTH_SECRET wins. Without it, a single-machine setup (the
 * embedded database) generates one and keeps it in the data folder so sessions survive restarts.
 * Instances sharing a PostgreSQL must share a secret, so production with DATABASE_URL requires it.
 */
export function resolveAuthSecret(config: Env): string {
  if (config.AUTH_SECRET) return config.AUTH_SECRET;
  if (config.NODE_ENV === "production" && config.DATABASE_URL) {
    throw new Error(
      "AUTH_SECRET is required in production with DATABASE_URL (at least 32 characters, the same on every instance)",
    );
  }
  const file = path.resolve(config.DATA_DIR, "auth-secret");
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= 32) return stored;
  } catch {
    // not created yet
  }
  const secret = randomBytes(32).toString("base64url");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

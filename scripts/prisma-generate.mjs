// Runs `prisma generate`, also on machines that cannot download Prisma's native schema engine.
//
// `prisma generate` never runs the schema engine, but the CLI insists that the binary exists (and
// tries to download it). When no binary is present we point the CLI at an existing file and tell it
// to skip the checksum; a machine that has the real engine keeps Prisma's documented behaviour.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

function hasSchemaEngineBinary() {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY) return true;
  try {
    const enginesDir = path.dirname(require.resolve("@prisma/engines/package.json"));
    return readdirSync(enginesDir).some((file) => file.startsWith("schema-engine"));
  } catch {
    return false;
  }
}

const env = { ...process.env };
if (!hasSchemaEngineBinary()) {
  env.PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING = "1";
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}

const prismaCli = require.resolve("prisma/build/index.js");
if (!existsSync(prismaCli)) throw new Error(`Prisma CLI not found at ${prismaCli}`);
const result = spawnSync(process.execPath, [prismaCli, "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);

// npm run db:migrate              apply pending migrations to the configured database
// npm run db:migrate:dev -- --name <name>   write the next migration from prisma/schema.prisma, then apply it
import { parseArgs } from "node:util";
import { openConfiguredDatabase } from "../src/server/db/configured";
import { applyMigrations, createMigration } from "../src/server/db/migrate";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: "string" } },
});
const mode = positionals[0];

async function main() {
  if (mode === "dev") {
    if (!values.name) throw new Error("Usage: npm run db:migrate:dev -- --name <name>");
    const folder = await createMigration(values.name);
    console.log(
      folder
        ? `Wrote prisma/migrations/${folder}/migration.sql`
        : "Schema unchanged: no new migration.",
    );
  } else if (mode !== "deploy") {
    throw new Error(`Unknown mode "${mode}": use "deploy" or "dev"`);
  }
  const database = await openConfiguredDatabase();
  try {
    const applied = await applyMigrations(database.adapterFactory);
    console.log(
      applied.length
        ? `Applied to ${database.kind}: ${applied.join(", ")}`
        : `${database.kind} is up to date.`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import { defineConfig } from "prisma/config";

// Migrations normally run through src/server/db/migrate.ts (Prisma's WebAssembly schema engine with
// the app's own driver adapter), so the CLI needs a URL only when someone uses it directly.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});

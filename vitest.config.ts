import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname, "src") };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          environment: "node",
          include: ["src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "node_modules/**"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          environment: "node",
          include: ["src/**/*.integration.test.ts", "test/**/*.integration.test.ts"],
          globalSetup: ["test/postgres-global-setup.ts"],
          // Each file opens its own databases; PGlite and the schema engine are WebAssembly and
          // take a moment to start, so give hooks room on a 2-core machine.
          hookTimeout: 60_000,
          testTimeout: 30_000,
        },
      },
    ],
  },
});

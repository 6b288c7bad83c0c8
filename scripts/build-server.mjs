// npm run build (after `next build`): the custom server (src/server/main.ts: Next.js, the tRPC
// WebSocket, the board server) bundled into dist/server.mjs, which `npm start` runs with plain
// node. Packages stay external (loaded from node_modules as usual); only the project's own
// TypeScript is compiled, once, here. Running it through tsx instead kept a TypeScript loader
// thread and its caches in every production process: 60-110 MB of idle RSS (bench:wire).
import { build } from "esbuild";

await build({
  entryPoints: ["src/server/main.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  tsconfig: "tsconfig.json",
  sourcemap: true,
  logLevel: "warning",
});

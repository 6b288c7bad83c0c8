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

// The service worker (src/sw/sw.ts), served at /sw.js by the same server: bundled for the
// browser, then given the list of Next's static files to precache (Serwist's injectManifest).
await build({
  entryPoints: ["src/sw/sw.ts"],
  outfile: "dist/sw.src.js",
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2022",
  minify: true,
  tsconfig: "tsconfig.json",
  logLevel: "warning",
});
const { injectManifest } = await import("@serwist/build");
const { count, size, warnings } = await injectManifest({
  swSrc: "dist/sw.src.js",
  swDest: "dist/sw.js",
  globDirectory: ".next",
  globPatterns: ["static/**/*.{js,css,woff2}"],
  modifyURLPrefix: { "static/": "/_next/static/" },
  // Hashed file names: the URL is the version.
  dontCacheBustURLsMatching: /^\/_next\/static\//,
  maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
});
for (const warning of warnings) console.warn(`service worker: ${warning}`);
console.log(`service worker: ${count} files precached (${Math.round(size / 1024)} kB)`);

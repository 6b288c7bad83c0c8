/**
 * The import rules of src/, checked by `npm run lint` (dependency-cruiser): no cycles; the sync
 * engine depends on no framework; the board module on neither side's code; browser code reaches
 * server code only for types.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle (type-only imports count: a reader follows them too).",
      from: {},
      to: { circular: true },
    },
    {
      name: "sync-is-framework-free",
      severity: "error",
      comment: "src/sync imports only itself, immer and zod: it runs anywhere.",
      from: { path: "^src/sync/", pathNot: "\\.test\\.ts$" },
      to: {
        pathNot: ["^src/sync/", "^node_modules/(immer|zod)/"],
        dependencyTypesNot: ["core"],
      },
    },
    {
      name: "board-is-shared",
      severity: "error",
      comment: "src/board is the board's shape for browser and server alike: it imports neither.",
      from: { path: "^src/board/" },
      to: { path: "^src/(server|app|components|hooks|lib|trpc)/" },
    },
    {
      name: "browser-reaches-server-for-types-only",
      severity: "error",
      comment: "Code that runs in the browser imports server code only as types (AppRouter).",
      from: {
        path: "^src/(components|hooks|lib|trpc)/|^src/app/.*/_components/",
      },
      to: { path: "^src/server/", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/generated/" },
    includeOnly: { path: "^(src|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};

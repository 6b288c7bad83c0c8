/** @type {import("next").NextConfig} */
const nextConfig = {
  // These load WebAssembly or native drivers from their own package folders at run time,
  // so Next must leave them to Node instead of bundling them.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/schema-engine-wasm",
    "@prisma/adapter-pg",
    "pg",
  ],
  poweredByHeader: false,
  experimental: { preloadEntriesOnStart: false },
};

export default nextConfig;

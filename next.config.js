/** @type {import("next").NextConfig} */
const nextConfig = {
  // Next renders the pages only: the API, sign-in, the database and the board server belong to
  // Rewind's own Node server (src/server/main.ts), so Next's bundle never loads them.
  poweredByHeader: false,
  // Pages are compiled on first use, not all at start: a smaller idle server.
  experimental: { preloadEntriesOnStart: false },
};

export default nextConfig;

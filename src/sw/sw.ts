/// <reference lib="webworker" />
// The service worker (built by scripts/build-server.mjs into dist/sw.js, served at /sw.js): the
// app shell on the device, so a board opened before opens again with no network at all.
// - Next's static files (scripts, styles: hashed, immutable) are precached at install.
// - Pages are fetched from the network first and kept; with no network, the kept page answers
//   (the board then paints from IndexedDB and shows "Offline").
// - API calls (/api/...) are never cached: the server or nothing.
import { NetworkFirst, NetworkOnly, type PrecacheEntry, Serwist } from "serwist";
import { PAGES_CACHE } from "@/lib/device/names";

declare const self: ServiceWorkerGlobalScope & { __SW_MANIFEST: (PrecacheEntry | string)[] };

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  skipWaiting: true,
  clientsClaim: true,
  runtimeCaching: [
    {
      matcher: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith("/api/"),
      handler: new NetworkOnly(),
    },
    {
      matcher: ({ request, sameOrigin }) => sameOrigin && request.mode === "navigate",
      handler: new NetworkFirst({ cacheName: PAGES_CACHE, networkTimeoutSeconds: 5 }),
    },
  ],
});

serwist.addEventListeners();

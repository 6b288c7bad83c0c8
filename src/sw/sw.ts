/// <reference lib="webworker" />
// The service worker (built by scripts/build-server.mjs into dist/sw.js, served at /sw.js): the
// app shell on the device, so a board opened before opens again with no network at all.
// - Next's static files (scripts, styles: hashed, immutable) are precached at install.
// - A board's page (the same shell for any board) is answered from the cache at once and
//   refreshed behind it; other pages come from the network first. With no network, the kept
//   page answers (the board then paints from IndexedDB and shows "Offline").
// - API calls (/api/...) are never cached: the server or nothing.
import {
  NetworkFirst,
  NetworkOnly,
  type PrecacheEntry,
  Serwist,
  StaleWhileRevalidate,
} from "serwist";
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
      // A board's page is the same shell whatever the board holds (the board itself comes from
      // IndexedDB, then live): the kept one answers at once, and is refreshed behind it.
      matcher: ({ request, sameOrigin, url }) =>
        sameOrigin && request.mode === "navigate" && url.pathname.startsWith("/boards/"),
      handler: new StaleWhileRevalidate({ cacheName: PAGES_CACHE }),
    },
    {
      matcher: ({ request, sameOrigin }) => sameOrigin && request.mode === "navigate",
      handler: new NetworkFirst({ cacheName: PAGES_CACHE, networkTimeoutSeconds: 5 }),
    },
  ],
});

serwist.addEventListeners();

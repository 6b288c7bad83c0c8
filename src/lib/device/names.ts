/** The service worker's cache of pages (src/sw/sw.ts); emptied when its person signs out. */
export const PAGES_CACHE = "rewind-pages";

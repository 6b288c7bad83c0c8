"use client";

import { useEffect } from "react";

/**
 * Registers the service worker (src/sw/sw.ts) in production builds: the app shell is kept on the
 * device, so a board opened before opens again with no network. Not in development, where a
 * cached page would hide the code being edited.
 */
export function ServiceWorker() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    void navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }, []);
  return null;
}

"use client";

import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * False while the page is server-rendered HTML, true once React runs it. A form submitted before
 * that would be sent by the browser itself (a GET with its fields in the address): its button
 * waits until the page is live.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}

"use client";

import type { SyncStatus as Status } from "@/lib/BoardSession";

function text(status: Status): string {
  switch (status.kind) {
    case "loading":
      return "Loading…";
    case "saved":
      return "Saved";
    case "saving":
      return "Saving…";
    case "offline":
      return `Offline · ${status.unsaved} unsaved ${status.unsaved === 1 ? "change" : "changes"}`;
    case "slowed":
      return `Slowed down · ${status.unsaved} unsaved ${status.unsaved === 1 ? "change" : "changes"}`;
    case "not-found":
      return "Not found";
    case "outdated":
      return "Rewind was updated: reload the page";
  }
}

export function SyncStatus({ status }: { status: Status }) {
  return (
    <span role="status" className={`sync-status ${status.kind}`}>
      {text(status)}
    </span>
  );
}

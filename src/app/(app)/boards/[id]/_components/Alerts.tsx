"use client";

import { X } from "lucide-react";
import type { BoardAlert } from "@/lib/BoardSession";

/** Refused or undone changes, explained; each can be dismissed. */
export function Alerts({
  alerts,
  onDismiss,
}: {
  alerts: BoardAlert[];
  onDismiss: (id: number) => void;
}) {
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((alert) => (
        <div key={alert.id} role="alert" className="error alert-row">
          <span>{alert.message}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => onDismiss(alert.id)}
          >
            <X aria-hidden size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}

import { type BoardSnapshot, NOTHING_TO_UNDO } from "./session-types";

/**
 * What a BoardSession shows, as one snapshot: a new object whenever anything in it changes (what
 * React's useSyncExternalStore reads), with the listeners that hear of each change and the
 * board's alerts (the last five).
 */
export class SessionView {
  snapshot: BoardSnapshot = {
    document: null,
    status: { kind: "loading" },
    alerts: [],
    undoRedo: NOTHING_TO_UNDO,
  };
  private readonly listeners = new Set<() => void>();
  private alertId = 0;

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(change: Partial<BoardSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }

  alert(message: string): void {
    const { alerts } = this.snapshot;
    this.update({ alerts: [...alerts.slice(-4), { id: ++this.alertId, message }] });
  }

  dismissAlert(id: number): void {
    this.update({ alerts: this.snapshot.alerts.filter((a) => a.id !== id) });
  }
}

"use client";

interface Props {
  version: number;
  latest: number;
  canRestore: boolean;
  restoring: boolean;
  onChange: (version: number) => void;
  onRestore: () => void;
  onBack: () => void;
}

/** The banner over a past version of the board: which one, a slider through versions, and exits. */
export function TimeTravelBar({
  version,
  latest,
  canRestore,
  restoring,
  onChange,
  onRestore,
  onBack,
}: Props) {
  return (
    <section className="time-travel" aria-label="Time travel">
      <strong>Viewing version {version}</strong>
      <input
        type="range"
        aria-label="Version"
        min={0}
        max={Math.max(latest, version)}
        value={version}
        onChange={(event) => onChange(Number(event.target.value))}
      />
      <span className="muted">of {latest}</span>
      {canRestore && (
        <button type="button" className="button primary" disabled={restoring} onClick={onRestore}>
          Restore this version
        </button>
      )}
      <button type="button" className="button secondary" onClick={onBack}>
        Back to now
      </button>
    </section>
  );
}

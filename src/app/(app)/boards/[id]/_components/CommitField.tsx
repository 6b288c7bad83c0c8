"use client";

import { useId, useState } from "react";

/**
 * A text field that shows the board's value live and keeps the user's draft while they type; the
 * draft is one command when it is committed (on leaving the field, or Enter in a single line).
 */
export function CommitField({
  label,
  value,
  multiline = false,
  maxLength,
  disabled,
  required = false,
  onCommit,
}: {
  label: string;
  value: string;
  multiline?: boolean;
  maxLength: number;
  disabled?: boolean;
  /** Refuse an empty value (the draft is dropped instead). */
  required?: boolean;
  onCommit: (value: string) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const id = useId();
  const commit = () => {
    if (draft === null) return;
    setDraft(null);
    const next = multiline ? draft : draft.trim();
    if (next === value || (required && next.trim() === "")) return;
    onCommit(next);
  };
  const common = {
    id,
    value: draft ?? value,
    maxLength,
    disabled,
    onBlur: commit,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={5} onChange={(e) => setDraft(e.target.value)} />
      ) : (
        <input
          {...common}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") commit();
          }}
        />
      )}
    </div>
  );
}

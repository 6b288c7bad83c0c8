"use client";

import { Pencil } from "lucide-react";
import { type ReactNode, useState } from "react";

/**
 * Text that turns into a textbox: Enter saves, Escape cancels. Editing starts from a button named
 * `editLabel` (e.g. "Edit milk"), and the textbox is named `label`.
 */
export function InlineEdit({
  value,
  label,
  editLabel,
  disabled,
  maxLength,
  onSave,
  render,
  frame,
}: {
  value: string;
  label: string;
  editLabel: string;
  disabled?: boolean;
  maxLength: number;
  onSave: (value: string) => void;
  render: (value: string) => ReactNode;
  /** Lays out the text and its edit button (by default side by side); the textbox replaces both. */
  frame?: (text: ReactNode, editButton: ReactNode) => ReactNode;
}) {
  const [draft, setDraft] = useState<string | null>(null);

  if (draft === null) {
    const button = (
      <button
        type="button"
        className="icon-button"
        aria-label={editLabel}
        title={editLabel}
        disabled={disabled}
        onClick={() => setDraft(value)}
      >
        <Pencil aria-hidden size={14} />
      </button>
    );
    return frame ? (
      frame(render(value), button)
    ) : (
      <span className="inline-edit">
        {render(value)}
        {button}
      </span>
    );
  }
  const save = () => {
    const next = draft.trim();
    setDraft(null);
    if (next && next !== value) onSave(next);
  };
  return (
    <input
      className="inline-input"
      aria-label={label}
      value={draft}
      maxLength={maxLength}
      // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this text
      autoFocus
      onChange={(e) => setDraft(e.target.value)}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === "Enter") save();
        if (e.key === "Escape") setDraft(null);
      }}
    />
  );
}

"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";

/**
 * A modal dialog, open while it is mounted: named by its title, with "Close" at its top; Escape
 * closes it too, after committing the field being typed in (fields commit when they lose focus).
 */
export function Modal({
  title,
  className = "",
  onClose,
  children,
}: {
  title: ReactNode;
  className?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const node = dialog.current;
    if (node && !node.open) node.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      className={`card dialog ${className}`}
      aria-labelledby={titleId}
      onCancel={() => (document.activeElement as HTMLElement | null)?.blur()}
      onClose={onClose}
    >
      <div className="dialog-form">
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="button secondary"
            onClick={() => dialog.current?.close()}
          >
            Close
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}

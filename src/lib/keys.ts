/** Whether a key press goes to a text field (where its own keys, and Ctrl+Z, belong to it). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !["checkbox", "radio", "button", "submit", "range", "reset"].includes(target.type);
}

/** The board's keyboard shortcuts, as "Keyboard shortcuts" lists them. */
export const SHORTCUTS: [keys: string, what: string][] = [
  ["/", "Filter items"],
  ["?", "Show these shortcuts"],
  ["↑ ↓", "Previous or next card in a list"],
  ["← →", "Card in the list to the left or right"],
  ["Enter", "Open the focused card"],
  ["n", "New item in the focused list"],
  ["Escape", "Close a dialog"],
  ["Ctrl/Cmd+Z", "Undo your last change"],
  ["Ctrl/Cmd+Shift+Z", "Redo"],
];

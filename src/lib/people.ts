/** A board's members as the page names them: user id → name. */
export type People = ReadonlyMap<string, string>;

/** "Ada Lovelace" → "AL". */
export const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join("");

/** The parts of a plain text: runs of text, and http(s) or mailto links (nothing else is a link). */
export type TextPart = { text: string; href?: string };

const LINK = /\b(?:https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+)/gi;

export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    // A sentence's closing punctuation is not part of the link.
    const href = match[0].replace(/[.,;:!?)\]]+$/, "");
    const start = match.index ?? 0;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: href, href });
    last = start + href.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

import { linkParts } from "@/lib/people";

/** Plain text with its line breaks, where only http(s) and mailto links are links. */
export function Linkified({ text, className }: { text: string; className?: string }) {
  return (
    <p className={className}>
      {linkParts(text).map((part, index) =>
        part.href ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text, in order
          <a key={index} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text, in order
          <span key={index}>{part.text}</span>
        ),
      )}
    </p>
  );
}

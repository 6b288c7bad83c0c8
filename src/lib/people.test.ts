import { describe, expect, it } from "vitest";
import { initials, linkParts } from "./people";

describe("descriptions: only http(s) and mailto links are links", () => {
  it("splits text around links, leaving everything else as text", () => {
    expect(linkParts("See https://example.com/a?b=1. Or mail mailto:ada@example.com")).toEqual([
      { text: "See " },
      { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { text: ". Or mail " },
      { text: "mailto:ada@example.com", href: "mailto:ada@example.com" },
    ]);
    expect(linkParts('javascript:alert(1) <b>bold</b> <a href="x">x</a>')).toEqual([
      { text: 'javascript:alert(1) <b>bold</b> <a href="x">x</a>' },
    ]);
    expect(linkParts("line one\nline two")).toEqual([{ text: "line one\nline two" }]);
  });

  it("names people by their initials", () => {
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("bob")).toBe("B");
  });
});

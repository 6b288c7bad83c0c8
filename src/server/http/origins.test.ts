import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { OriginPolicy } from "./origins";

const request = (origin: string | undefined, host = "localhost:3000") =>
  ({ headers: { origin, host } }) as unknown as IncomingMessage;

describe("OriginPolicy", () => {
  it("with the app's URL, allows it and the extra origins, nothing else", () => {
    const policy = new OriginPolicy("https://rewind.example/some/path", ["https://b.example"]);
    expect(policy.allows(request("https://rewind.example", "rewind.example"))).toBe(true);
    expect(policy.allows(request("https://b.example", "rewind.example"))).toBe(true);
    expect(policy.allows(request("http://rewind.example", "rewind.example"))).toBe(false);
    expect(policy.allows(request("https://rewind.example:8443", "rewind.example"))).toBe(false);
    // The Host the request names is no pass once the app's URL is known.
    expect(policy.allows(request("https://evil.example", "evil.example"))).toBe(false);
    expect(policy.origins()).toEqual(["https://rewind.example", "https://b.example"]);
  });

  it("without it, allows pages of the host the request was sent to", () => {
    const policy = new OriginPolicy(undefined);
    expect(policy.allows(request("http://localhost:3000"))).toBe(true);
    expect(policy.allows(request("http://localhost:3001"))).toBe(false);
    expect(policy.allows(request("http://evil.example"))).toBe(false);
    expect(policy.allows(request("null"))).toBe(false);
  });

  it("leaves requests without an Origin to the session check", () => {
    expect(new OriginPolicy("https://rewind.example").allows(request(undefined))).toBe(true);
  });
});

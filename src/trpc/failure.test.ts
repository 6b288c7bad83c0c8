import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { classifyFailure, retryUnknownOutcome } from "./failure";

const answered = (code: string) =>
  new TRPCClientError("refused", { result: { error: { data: { code } } } as never });
const unanswered = () => new TRPCClientError("Failed to fetch");

describe("failures of tRPC calls", () => {
  it("tells refusals the server answered from calls that got no answer", () => {
    expect(classifyFailure(answered("UNAUTHORIZED"))).toBe("unauthorized");
    expect(classifyFailure(answered("FORBIDDEN"))).toBe("forbidden");
    expect(classifyFailure(answered("NOT_FOUND"))).toBe("not-found");
    expect(classifyFailure(answered("PRECONDITION_FAILED"))).toBe("refused");
    expect(classifyFailure(unanswered())).toBe("offline");
    expect(classifyFailure(new TypeError("network"))).toBe("offline");
  });

  it("retries a request whose outcome is unknown a few times, and never a refused one", () => {
    expect([0, 1, 2, 3].map((count) => retryUnknownOutcome(count, unanswered()))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(retryUnknownOutcome(0, answered("PRECONDITION_FAILED"))).toBe(false);
  });
});

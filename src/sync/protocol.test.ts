import { describe, expect, it } from "vitest";
import { commandSchema, flushRequestSchema, LIMITS } from "./protocol";

function issues(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("protocol validation at the edge", () => {
  it("F5 accepts a well-formed flush", () => {
    const result = flushRequestSchema.safeParse({
      clientId: "c1",
      batchSeq: 1,
      from: 0,
      commands: [
        {
          action: "create",
          path: ["lists"],
          createdId: "l1",
          props: { title: "T", tags: ["a"], n: 1, x: null },
        },
      ],
    });
    expect(result.success).toBe(true);
  });

  it("P1 P2 F2 F5 names the field and the limit it broke", () => {
    const result = flushRequestSchema.safeParse({
      clientId: "",
      batchSeq: -1,
      from: -1,
      commands: [
        { action: "update", path: ["x".repeat(129), "__proto__"], props: { constructor: 1 } },
        { action: "explode", path: [] },
      ],
    });
    expect(issues(result)).toEqual([
      "clientId: must not be empty",
      "batchSeq: must be at least 0",
      "from: must be at least 0",
      "commands.0.path.0: must be at most 128 characters",
      "commands.0.path.1: is a reserved key",
      "commands.0.props.constructor: is a reserved key",
      'commands.1.action: Invalid option: expected one of "create"|"update"|"delete"',
    ]);
  });

  it("F2 F8 batchSeq 0 only for a catch-up (no commands)", () => {
    const request = { clientId: "c", batchSeq: 0, from: 0 };
    expect(flushRequestSchema.safeParse({ ...request, commands: [] }).success).toBe(true);
    expect(
      issues(
        flushRequestSchema.safeParse({ ...request, commands: [{ action: "delete", path: ["x"] }] }),
      ),
    ).toEqual(["batchSeq: must be at least 1 for a flush of commands (0 only to catch up)"]);
  });

  it("F5 refuses more than 500 commands per flush", () => {
    const command = { action: "delete", path: ["x"] };
    const result = flushRequestSchema.safeParse({
      clientId: "c",
      batchSeq: 1,
      from: 0,
      commands: Array.from({ length: LIMITS.commandsPerFlush + 1 }, () => command),
    });
    expect(issues(result)).toEqual(["commands: must hold at most 500 commands"]);
  });

  it("P1 refuses paths deeper than 8 segments and non-JSON props", () => {
    expect(issues(commandSchema.safeParse({ action: "delete", path: Array(9).fill("a") }))).toEqual(
      ["path: must have at most 8 segments"],
    );
    expect(
      commandSchema.safeParse({ action: "update", path: [], props: { n: Number.NaN } }).success,
    ).toBe(false);
    expect(
      commandSchema.safeParse({ action: "update", path: [], props: { d: new Date() } }).success,
    ).toBe(false);
  });
});

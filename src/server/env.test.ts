import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("parseEnv", () => {
  it("defaults to the embedded database in ./.data", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATA_DIR).toBe(".data");
    expect(env.DATABASE_POOL_SIZE).toBe(10);
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", AUTH_SECRET: "" }).DATABASE_URL).toBeUndefined();
  });

  it("accepts a PostgreSQL URL and coerces the pool size", () => {
    const env = parseEnv({
      DATABASE_URL: "postgresql://u:p@db:5432/rewind",
      DATABASE_POOL_SIZE: "25",
    });
    expect(env.DATABASE_URL).toBe("postgresql://u:p@db:5432/rewind");
    expect(env.DATABASE_POOL_SIZE).toBe(25);
  });

  it("names every invalid variable and the limit it broke", () => {
    expect(() =>
      parseEnv({ DATABASE_URL: "mysql://x", AUTH_SECRET: "short", DATABASE_POOL_SIZE: "500" }),
    ).toThrow(
      "Invalid environment: DATABASE_URL must be a postgresql:// connection URL; DATABASE_POOL_SIZE must be at most 100; AUTH_SECRET must be at least 32 characters",
    );
  });

  it("refuses a metrics token too short to be a secret", () => {
    expect(() => parseEnv({ METRICS_TOKEN: "abc" })).toThrow(
      "Invalid environment: METRICS_TOKEN must be at least 16 characters",
    );
    expect(parseEnv({ METRICS_TOKEN: "0123456789abcdef" }).METRICS_TOKEN).toBe("0123456789abcdef");
  });

  it("reads fair-use limits: 0 turns one off, and one that would refuse a page's flush is refused", () => {
    const env = parseEnv({ RATE_LIMIT_FLUSHES: "0", RATE_LIMIT_COMMANDS: "20000" });
    expect(env.RATE_LIMIT_FLUSHES).toBe(0);
    expect(env.RATE_LIMIT_COMMANDS).toBe(20_000);
    expect(env.RATE_LIMIT_SOCKETS).toBe(50);
    expect(() => parseEnv({ RATE_LIMIT_COMMANDS: "100" })).toThrow(
      "Invalid environment: RATE_LIMIT_COMMANDS must be 0 (off) or 500 to 10000000 commands per minute from one person",
    );
  });

  it("reads ALLOWED_ORIGINS as a list of origins", () => {
    expect(
      parseEnv({ ALLOWED_ORIGINS: "https://a.example, https://b.example" }).ALLOWED_ORIGINS,
    ).toEqual(["https://a.example", "https://b.example"]);
    expect(parseEnv({}).ALLOWED_ORIGINS).toEqual([]);
    expect(() => parseEnv({ ALLOWED_ORIGINS: "a.example" })).toThrow("ALLOWED_ORIGINS");
  });
});

import { z } from "zod";
import { LIMITS } from "@/sync";
import { DEFAULT_LIMITS } from "./fair-use/FairUse";

/** Empty strings in the environment mean "not set". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

/** A fair-use limit: 0 (off) or at least `least` (a smaller one would refuse what pages send). */
const limit = (least: number, what: string, fallback: number) =>
  z.coerce
    .number()
    .int("must be a whole number")
    .refine((n) => n === 0 || (n >= least && n <= 10_000_000), {
      message: `must be 0 (off) or ${least} to 10000000 ${what}`,
    })
    .default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\/.+/, "must be a postgresql:// connection URL"),
  ),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .default(10),
  DATA_DIR: z.string().min(1).default(".data"),
  CHECKPOINT_EVERY: z.coerce
    .number()
    .int("must be a whole number")
    .min(10, "must be at least 10")
    .max(100_000, "must be at most 100000")
    .default(500),
  COMMIT_STATEMENTS: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .default(1),
  HOT_BOARDS_MAX: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1_000_000, "must be at most 1000000")
    .default(1_000),
  HOT_BOARDS_MAX_MB: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1_000_000, "must be at most 1000000")
    .default(256),
  AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  AUTH_RATE_LIMIT: z.coerce
    .number()
    .int("must be a whole number")
    .min(0, "must be at least 0 (0 turns the limit off)")
    .max(100_000, "must be at most 100000")
    .default(100),
  /** Fair use (src/server/fair-use): 0 turns a limit off. */
  RATE_LIMIT_FLUSHES: limit(1, "flushes per 10 s from one page", DEFAULT_LIMITS.flushesPer10s),
  RATE_LIMIT_COMMANDS_PER_SECOND: limit(
    LIMITS.commandsPerFlush,
    "commands per second from one person on one instance",
    DEFAULT_LIMITS.commandsPerSecond,
  ),
  RATE_LIMIT_COMMANDS: limit(
    LIMITS.commandsPerFlush,
    "commands per minute from one person",
    DEFAULT_LIMITS.commandsPerMinute,
  ),
  RATE_LIMIT_COMMANDS_PER_DAY: limit(
    LIMITS.commandsPerFlush,
    "commands per day from one person",
    DEFAULT_LIMITS.commandsPerDay,
  ),
  RATE_LIMIT_SOCKETS: limit(1, "open sockets per person", DEFAULT_LIMITS.socketsPerPerson),
  /** Where the other instances reach this one (its own address, not the balancer's). */
  INSTANCE_URL: optional(z.url("must be an absolute URL such as http://10.0.0.5:3000")),
  BETTER_AUTH_URL: optional(z.url("must be an absolute URL such as https://rewind.example.com")),
  /** More origins the app is served from (comma-separated), beside BETTER_AUTH_URL's. */
  ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ""),
    )
    .pipe(z.array(z.url("must be a comma-separated list of origins such as https://a.example"))),
  /** The bearer token /api/metrics asks for; without it the metrics are not served. */
  METRICS_TOKEN: optional(z.string().min(16, "must be at least 16 characters")),
});

export type Env = z.infer<typeof envSchema>;

/** Parses an environment; throws one error that names every invalid variable and its limit. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
  throw new Error(`Invalid environment: ${problems.join("; ")}`);
}

let cached: Env | undefined;

/** The process environment, validated once. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * The wire protocol between a client proxy and the master: commands, flushes and their answers.
 * Rule ids in comments refer to SPEC.md.
 */
import { z } from "zod";

/** Bumped whenever a message shape changes incompatibly. */
export const PROTOCOL_VERSION = 1;

/**
 * What a device that kept a board at version `from` is answered when it catches up: the commands
 * after it (cost follows what changed, not the board's size), or the whole board.
 */
export type LoadAnswer =
  | { version: number; document: Doc }
  | { version: number; from: number; completions: Command[] };

export const LIMITS = {
  /** P1: a path segment is 1..128 characters. */
  segmentLength: 128,
  /** P1: paths are at most this deep (a board's deepest node is 4 down). */
  pathDepth: 8,
  /** F5: commands in one flush. */
  commandsPerFlush: 500,
  /** F5: bytes of a flush's commands, measured as JSON. */
  flushBytes: 256 * 1024,
  /** Characters of a label describing a user action. */
  labelLength: 200,
} as const;

/** P2: keys that would reach an object's prototype; refused in paths and props. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "prototype",
  "constructor",
]);

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
/** A board document: a JSON object tree whose nodes are addressed by key paths. */
export type Doc = JsonObject;
export type Path = readonly string[];

export const ACTIONS = ["create", "update", "delete"] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * One change to a document (C1-C4). What the master applied is a command too, as applied (final
 * path, final props, the id it created); the wire calls those `completions`.
 */
export interface Command {
  action: Action;
  /** create: the parent node; update/delete: the node itself. */
  path: string[];
  /** create: the new node's value; update: keys shallow-merged into the node. */
  props?: JsonObject;
  /** create: value of the parent node when it is missing (C2). */
  parentDefault?: JsonObject;
  /** create: the id the client proposes for the new node (C3). */
  createdId?: string;
  /** Groups the commands of one user action (H1). */
  actionId?: string;
  /** Human description of the user action, e.g. "Add item". */
  label?: string;
}

/** M4: a proposed id that was taken and renamed, as paths (never keys joined into strings). */
export interface MappedPath {
  from: string[];
  to: string[];
}

/** M5: a command that was not applied, and why. */
export interface CommandError {
  index: number;
  action: Action;
  path: string[];
  message: string;
}

export interface FlushRequest {
  clientId: string;
  /** F2: 1 for a new client, +1 per flush. */
  batchSeq: number;
  /** F3: the version of the client's base document. */
  from: number;
  commands: Command[];
}

/** S1/S2: how the client's base catches up with the master. */
export type SyncPayload =
  | { kind: "diff"; from: number; completions: Command[] }
  | { kind: "snapshot"; version: number; document: Doc };

export interface FlushResponse {
  /** The master's version after this flush. */
  version: number;
  /** This batch's commands as applied; the first has version `from + 1`. */
  applied: { from: number; completions: Command[] };
  /** Present whenever the client's base must change (S1). */
  sync?: SyncPayload;
  mappedPaths: MappedPath[];
  errors: CommandError[];
}

/** Commands others applied, pushed to subscribers; the first has version `from + 1`. */
export interface RemoteChanges {
  from: number;
  completions: Command[];
}

// ---- zod schemas: validation at every edge ------------------------------------------------------

const segment = z
  .string()
  .min(1, "must not be empty")
  .max(LIMITS.segmentLength, `must be at most ${LIMITS.segmentLength} characters`)
  .refine((key) => !FORBIDDEN_KEYS.has(key), { message: "is a reserved key" });

export const pathSchema = z
  .array(segment)
  .max(LIMITS.pathDepth, `must have at most ${LIMITS.pathDepth} segments`);

const jsonObjectSchema: z.ZodType<JsonObject> = z.lazy(() =>
  z.record(z.string(), jsonValueSchema).superRefine((object, ctx) => {
    // Checked here rather than as the record's key schema, so the message names the key's rule.
    for (const key of Object.keys(object)) {
      const result = segment.safeParse(key);
      if (!result.success) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: result.error.issues[0]?.message ?? "is not a valid key",
        });
      }
    }
  }),
) as z.ZodType<JsonObject>;

const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().finite(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    jsonObjectSchema,
  ]),
);

export const commandSchema = z.object({
  action: z.enum(ACTIONS),
  path: pathSchema,
  props: jsonObjectSchema.optional(),
  parentDefault: jsonObjectSchema.optional(),
  createdId: segment.optional(),
  actionId: segment.optional(),
  label: z.string().max(LIMITS.labelLength).optional(),
}) satisfies z.ZodType<Command>;

export const flushRequestSchema = z
  .object({
    clientId: segment,
    // 0 only for a catch-up (F8): no commands, checked below.
    batchSeq: z.number().int().min(0, "must be at least 0"),
    from: z.number().int().min(0, "must be at least 0"),
    commands: z
      .array(commandSchema)
      .max(LIMITS.commandsPerFlush, `must hold at most ${LIMITS.commandsPerFlush} commands`)
      .superRefine((commands, ctx) => {
        const bytes = new TextEncoder().encode(JSON.stringify(commands)).length;
        if (bytes > LIMITS.flushBytes) {
          ctx.addIssue({
            code: "custom",
            message: `must be at most ${LIMITS.flushBytes / 1024} KB in all (got ${Math.ceil(bytes / 1024)} KB)`,
          });
        }
      }),
  })
  .refine((request) => request.batchSeq > 0 || request.commands.length === 0, {
    path: ["batchSeq"],
    message: "must be at least 1 for a flush of commands (0 only to catch up)",
  }) satisfies z.ZodType<FlushRequest>;

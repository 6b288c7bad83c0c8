import { z } from "zod";

/** Every limit of a board's content, shared by the browser (input sizes) and the server (rules). */
export const BOARD_LIMITS = {
  items: 5000,
  titleLength: 200,
  textLength: 2000,
  orderLength: 64,
  descriptionLength: 10_000,
  /** Assignees of one item. */
  assignees: 10,
  /** Labels on one item. */
  itemLabels: 10,
  /** Labels of one board. */
  labels: 50,
  labelNameLength: 50,
} as const;

const count = (n: number) => n.toLocaleString("en-US");

export const BOARD_FULL_MESSAGE = `This board is full: ${count(BOARD_LIMITS.items)} items at most`;
export const LABELS_FULL_MESSAGE = `labels: a board has at most ${BOARD_LIMITS.labels} labels`;
export const NOT_MEMBERS_MESSAGE = "assignees must be members of the board";
export const UNKNOWN_LABELS_MESSAGE = "labels must be labels of this board";

/** The colours a label can have, in the order the label editor offers them. */
export const LABEL_COLORS = [
  "gray",
  "red",
  "orange",
  "yellow",
  "green",
  "blue",
  "purple",
  "pink",
] as const;
export type LabelColor = (typeof LABEL_COLORS)[number];

/** A string field: `must be a string`, `must not be empty`, `must be at most N characters`. */
function text(max: number, options: { allowEmpty?: boolean } = {}) {
  const base = z.string({ error: "must be a string" });
  const nonEmpty = options.allowEmpty
    ? base
    : base.refine((value) => value.trim() !== "", "must not be empty");
  return nonEmpty.refine(
    (value) => value.length <= max,
    `must be at most ${count(max)} characters`,
  );
}

/** An array of distinct ids: `must be a list of ids`, `must have at most N`, `must not repeat …`. */
function idSet(max: number, what: string) {
  return z
    .array(
      z.string({ error: `must be a list of ${what} ids` }).min(1, `must not hold an empty id`),
      {
        error: `must be a list of ${what} ids`,
      },
    )
    .refine((ids) => ids.length <= max, `must have at most ${max} ${what}s`)
    .refine((ids) => new Set(ids).size === ids.length, `must not name a ${what} twice`);
}

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (no time zone). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** A due date: `"YYYY-MM-DD"` or null. */
const due = z
  .string({ error: 'must be a date "YYYY-MM-DD" or null' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date "YYYY-MM-DD" or null')
  .refine(isCalendarDate, "must be a real calendar date")
  .nullable();

/** A fractional order key (`fractional-indexing`), compared as a string. */
const order = text(BOARD_LIMITS.orderLength);

/** The fields a person may set on the board itself. */
export const boardProps = z.object({ title: text(BOARD_LIMITS.titleLength) });

/** The fields a person may set on a list. */
export const listProps = z.object({ title: text(BOARD_LIMITS.titleLength), order });

/** The fields a person may set on an item (`createdAt`/`createdBy` are stamped by the server). */
export const itemProps = z.object({
  text: text(BOARD_LIMITS.textLength, { allowEmpty: true }),
  done: z.boolean({ error: "must be true or false" }),
  order,
  description: text(BOARD_LIMITS.descriptionLength, { allowEmpty: true }),
  due,
  assignees: idSet(BOARD_LIMITS.assignees, "user"),
  labels: idSet(BOARD_LIMITS.itemLabels, "label"),
});

/** The fields of a board's label. */
export const labelProps = z.object({
  name: text(BOARD_LIMITS.labelNameLength),
  color: z.enum(LABEL_COLORS, { error: `must be one of ${LABEL_COLORS.join(", ")}` }),
});

export type BoardProps = z.infer<typeof boardProps>;
export type ListProps = z.infer<typeof listProps>;
export type ItemProps = z.infer<typeof itemProps>;
export type LabelProps = z.infer<typeof labelProps>;

/** An item as stored: its props, and the server's stamps when it was created. */
export interface ItemNode {
  text: string;
  done: boolean;
  order?: string;
  description?: string;
  due?: string | null;
  assignees?: string[];
  labels?: string[];
  createdAt?: string;
  createdBy?: string;
}

export interface ListNode extends Omit<ListProps, "order"> {
  order?: string;
  items?: Record<string, ItemNode>;
}

export type LabelNode = LabelProps;

/**
 * A board's document: `{ title, lists: { [id]: { title, order, items: { [id]: item } } },
 * labels: { [id]: { name, color } } }` (`labels` appears with the first label).
 */
export interface BoardDoc extends BoardProps {
  lists: Record<string, ListNode>;
  labels?: Record<string, LabelNode>;
}

/**
 * The problem with `props` for a node whose fields are `schema` (each field optional, none
 * unknown), as `"<field> <message>"`, or null when they fit.
 */
export function propsProblem(
  props: Record<string, unknown> | undefined,
  schema: z.ZodObject,
  what: string,
): string | null {
  const fields = Object.keys(schema.shape);
  for (const [key, value] of Object.entries(props ?? {})) {
    const field = schema.shape[key] as z.ZodType | undefined;
    if (!field || !Object.hasOwn(schema.shape, key)) {
      return `${what} has no field "${key}" (allowed: ${fields.join(", ")})`;
    }
    const result = field.safeParse(value);
    if (!result.success) return `${key} ${result.error.issues[0]?.message ?? "is not valid"}`;
  }
  return null;
}

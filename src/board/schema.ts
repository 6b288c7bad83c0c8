import { z } from "zod";

/** Every limit of a board's content, shared by the browser (input sizes) and the server (rules). */
export const BOARD_LIMITS = {
  items: 1000,
  titleLength: 200,
  textLength: 2000,
  orderLength: 64,
} as const;

export const BOARD_FULL_MESSAGE = "This board is full: 1,000 items at most";

const count = (n: number) => n.toLocaleString("en-US");

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
});

export type BoardProps = z.infer<typeof boardProps>;
export type ListProps = z.infer<typeof listProps>;
export type ItemProps = z.infer<typeof itemProps>;

/** An item as stored: its props, and the server's stamps when it was created. */
export interface ItemNode extends Omit<ItemProps, "order"> {
  order?: string;
  createdAt?: string;
  createdBy?: string;
}

export interface ListNode extends Omit<ListProps, "order"> {
  order?: string;
  items?: Record<string, ItemNode>;
}

/** A board's document: `{ title, lists: { [id]: { title, order, items: { [id]: item } } } }`. */
export interface BoardDoc extends BoardProps {
  lists: Record<string, ListNode>;
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

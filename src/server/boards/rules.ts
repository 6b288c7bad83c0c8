import type { Command, Doc, Interceptor, InterceptorContext, JsonObject, JsonValue } from "@/sync";
import { isPlainObject } from "@/sync";

export const BOARD_LIMITS = {
  items: 1000,
  titleLength: 200,
  textLength: 2000,
  orderLength: 64,
} as const;

export const BOARD_FULL_MESSAGE = "This board is full: 1,000 items at most";

export interface BoardRuleContext extends InterceptorContext {
  userId: string;
  now: Date;
  /** Items on the board; kept up to date by the rules as commands are accepted. */
  itemCount: number;
}

/** A new board's document. */
export function emptyBoard(title: string): Doc {
  return { title, lists: {} };
}

/** Items on a board (done once when a board is loaded; the rules keep the count after that). */
export function countItems(document: Doc): number {
  let count = 0;
  for (const list of Object.values((document.lists as JsonObject | undefined) ?? {})) {
    if (isPlainObject(list) && isPlainObject(list.items)) count += Object.keys(list.items).length;
  }
  return count;
}

type FieldRule = (value: JsonValue) => string | null;

const text =
  (name: string, max: number, allowEmpty = false): FieldRule =>
  (value) => {
    if (typeof value !== "string") return `${name} must be a string`;
    if (!allowEmpty && value.trim() === "") return `${name} must not be empty`;
    if (value.length > max)
      return `${name} must be at most ${max.toLocaleString("en-US")} characters`;
    return null;
  };

const boolean =
  (name: string): FieldRule =>
  (value) =>
    typeof value === "boolean" ? null : `${name} must be true or false`;

const boardFields: Record<string, FieldRule> = { title: text("title", BOARD_LIMITS.titleLength) };
const listFields: Record<string, FieldRule> = {
  title: text("title", BOARD_LIMITS.titleLength),
  order: text("order", BOARD_LIMITS.orderLength),
};
const itemFields: Record<string, FieldRule> = {
  text: text("text", BOARD_LIMITS.textLength, true),
  done: boolean("done"),
  order: text("order", BOARD_LIMITS.orderLength),
};

function checkProps(
  props: JsonObject | undefined,
  fields: Record<string, FieldRule>,
  what: string,
): string | null {
  for (const [key, value] of Object.entries(props ?? {})) {
    const rule = fields[key];
    if (!rule) return `${what} has no field "${key}" (allowed: ${Object.keys(fields).join(", ")})`;
    const problem = rule(value);
    if (problem) return problem;
  }
  return null;
}

function node(document: Doc, path: readonly string[]): JsonObject | undefined {
  let current: JsonValue | undefined = document;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return isPlainObject(current) ? current : undefined;
}

const reject = (message: string) => ({ reject: message });

/**
 * The board's shape and rules, run by the master on every command: paths and props must fit
 * `{ title, lists: { [id]: { title, order, items: { [id]: { text, done, order, createdAt,
 * createdBy } } } } }`, new items are stamped with the server's time and the author, and a board
 * holds at most 1,000 items.
 */
export const boardRules: Interceptor<BoardRuleContext> = (document, command: Command, context) => {
  const { action, path } = command;
  const [top, listId, itemsKey, itemId, ...rest] = path;
  const shapeError = reject(`${JSON.stringify(path)} is not a place on a board`);

  if (path.length === 0) {
    if (action !== "update") return reject("the board itself can only be updated");
    const problem = checkProps(command.props, boardFields, "a board");
    return problem ? reject(problem) : undefined;
  }
  if (top !== "lists" || rest.length > 0) return shapeError;

  if (listId === undefined) {
    // create a list
    if (action !== "create") return shapeError;
    if (command.parentDefault !== undefined) return reject("lists cannot use parentDefault");
    const { items, ...fields } = command.props ?? {};
    if (items !== undefined && !(isPlainObject(items) && Object.keys(items).length === 0)) {
      return reject("a new list's items must be empty");
    }
    const problem = checkProps(fields, listFields, "a list");
    if (problem) return reject(problem);
    return { props: { ...fields, items: {} } };
  }

  if (itemsKey === undefined) {
    if (action === "create") return shapeError;
    if (action === "delete") {
      const list = node(document, ["lists", listId]);
      if (list && isPlainObject(list.items)) context.itemCount -= Object.keys(list.items).length;
      return undefined;
    }
    const problem = checkProps(command.props, listFields, "a list");
    return problem ? reject(problem) : undefined;
  }
  if (itemsKey !== "items") return shapeError;

  if (itemId === undefined) {
    // create an item
    if (action !== "create") return shapeError;
    if (command.parentDefault !== undefined && Object.keys(command.parentDefault).length > 0) {
      return reject("an item list's parentDefault must be {}");
    }
    if (!node(document, ["lists", listId])) return undefined; // fails as "no node" when applied
    const { createdAt: _a, createdBy: _b, ...fields } = command.props ?? {};
    const problem = checkProps(fields, itemFields, "an item");
    if (problem) return reject(problem);
    if (context.itemCount >= BOARD_LIMITS.items) return reject(BOARD_FULL_MESSAGE);
    if (!node(document, ["lists", listId, "items"]) && command.parentDefault === undefined)
      return undefined;
    context.itemCount += 1;
    return {
      props: {
        text: "",
        done: false,
        ...fields,
        createdAt: context.now.toISOString(),
        createdBy: context.userId,
      },
    };
  }

  if (action === "create") return shapeError;
  if (action === "delete") {
    if (node(document, ["lists", listId, "items", itemId])) context.itemCount -= 1;
    return undefined;
  }
  const problem = checkProps(command.props, itemFields, "an item");
  return problem ? reject(problem) : undefined;
};

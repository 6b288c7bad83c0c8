import {
  BOARD_FULL_MESSAGE,
  BOARD_LIMITS,
  boardPath,
  boardProps,
  itemProps,
  listProps,
  placeOf,
  propsProblem,
} from "@/board";
import type { Command, Doc, Interceptor, InterceptorContext, JsonObject, JsonValue } from "@/sync";
import { isPlainObject } from "@/sync";

export interface BoardRuleContext extends InterceptorContext {
  userId: string;
  now: Date;
  /** Items on the board; kept up to date by the rules as commands are accepted. */
  itemCount: number;
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
const refusedProps = (problem: string | null) => (problem ? reject(problem) : undefined);

/**
 * The board's shape and rules (src/board), run by the master on every command: paths and props
 * must fit a board, new items are stamped with the server's time and the author, and a board
 * holds at most BOARD_LIMITS.items items.
 */
export const boardRules: Interceptor<BoardRuleContext> = (document, command: Command, context) => {
  const { action, path } = command;
  const place = placeOf(path);
  const shapeError = reject(`${JSON.stringify(path)} is not a place on a board`);
  if (!place) return shapeError;

  switch (place.kind) {
    case "board":
      if (action !== "update") return reject("the board itself can only be updated");
      return refusedProps(propsProblem(command.props, boardProps, "a board"));

    case "lists": {
      // create a list
      if (action !== "create") return shapeError;
      if (command.parentDefault !== undefined) return reject("lists cannot use parentDefault");
      const { items, ...fields } = command.props ?? {};
      if (items !== undefined && !(isPlainObject(items) && Object.keys(items).length === 0)) {
        return reject("a new list's items must be empty");
      }
      const problem = propsProblem(fields, listProps, "a list");
      if (problem) return reject(problem);
      return { props: { ...fields, items: {} } };
    }

    case "list": {
      if (action === "create") return shapeError;
      if (action === "delete") {
        const list = node(document, path);
        if (list && isPlainObject(list.items)) context.itemCount -= Object.keys(list.items).length;
        return undefined;
      }
      return refusedProps(propsProblem(command.props, listProps, "a list"));
    }

    case "items": {
      // create an item
      if (action !== "create") return shapeError;
      if (command.parentDefault !== undefined && Object.keys(command.parentDefault).length > 0) {
        return reject("an item list's parentDefault must be {}");
      }
      if (!node(document, boardPath.list(place.listId))) return undefined; // fails as "no node" when applied
      const { createdAt: _a, createdBy: _b, ...fields } = command.props ?? {};
      const problem = propsProblem(fields, itemProps, "an item");
      if (problem) return reject(problem);
      if (context.itemCount >= BOARD_LIMITS.items) return reject(BOARD_FULL_MESSAGE);
      if (!node(document, path) && command.parentDefault === undefined) return undefined;
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

    case "item": {
      if (action === "create") return shapeError;
      if (action === "delete") {
        if (node(document, path)) context.itemCount -= 1;
        return undefined;
      }
      return refusedProps(propsProblem(command.props, itemProps, "an item"));
    }
  }
};

import {
  BOARD_FULL_MESSAGE,
  BOARD_LIMITS,
  boardPath,
  boardProps,
  itemProps,
  LABELS_FULL_MESSAGE,
  labelProps,
  listProps,
  NOT_MEMBERS_MESSAGE,
  placeOf,
  propsProblem,
  UNKNOWN_LABELS_MESSAGE,
} from "@/board";
import type { Command, Doc, Interceptor, InterceptorContext, JsonObject, JsonValue } from "@/sync";
import { isPlainObject } from "@/sync";

export interface BoardRuleContext extends InterceptorContext {
  userId: string;
  now: Date;
  /** Items on the board; kept up to date by the rules as commands are accepted. */
  itemCount: number;
  /**
   * The board's members among the users the flush assigns, read when it is applied (absent when
   * the flush assigns no one: then any new assignee is refused).
   */
  members?: ReadonlySet<string>;
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
 * What else an item's props must satisfy on this board, beyond their shape: its labels are the
 * board's, and whoever it newly assigns is a member (someone assigned before and removed from the
 * board since may stay).
 */
function itemProblem(
  document: Doc,
  props: JsonObject,
  current: JsonObject | undefined,
  context: BoardRuleContext,
): string | null {
  if (Array.isArray(props.labels)) {
    const labels = node(document, boardPath.labels());
    for (const id of props.labels) {
      if (typeof id !== "string" || !labels || !isPlainObject(labels[id])) {
        return UNKNOWN_LABELS_MESSAGE;
      }
    }
  }
  if (Array.isArray(props.assignees)) {
    const before = new Set(Array.isArray(current?.assignees) ? current.assignees : []);
    for (const id of props.assignees) {
      if (typeof id !== "string") return NOT_MEMBERS_MESSAGE;
      if (!before.has(id) && !context.members?.has(id)) return NOT_MEMBERS_MESSAGE;
    }
  }
  return null;
}

/** Item `itemId` in a list other than `listId` (the card being moved), if there is one. */
function itemElsewhere(document: Doc, itemId: string, listId: string): JsonObject | undefined {
  const lists = node(document, boardPath.lists()) ?? {};
  for (const id of Object.keys(lists)) {
    if (id === listId) continue;
    const item = node(document, boardPath.item(id, itemId));
    if (item) return item;
  }
  return undefined;
}

/** `name` is taken by another label of the board (ignoring case)? */
function nameTaken(document: Doc, name: unknown, except?: string): boolean {
  if (typeof name !== "string") return false;
  const wanted = name.trim().toLocaleLowerCase("en-US");
  const labels = node(document, boardPath.labels()) ?? {};
  return Object.entries(labels).some(
    ([id, label]) =>
      id !== except &&
      isPlainObject(label) &&
      typeof label.name === "string" &&
      label.name.trim().toLocaleLowerCase("en-US") === wanted,
  );
}

const nameTakenMessage = (name: unknown) =>
  `name “${String(name)}” is taken: label names are unique on a board, ignoring case`;

/**
 * The board's shape and rules (src/board), run by the master on every command: paths and props
 * must fit a board, new items are stamped with the server's time and the author, a board holds at
 * most BOARD_LIMITS.items items and BOARD_LIMITS.labels labels, items carry only the board's
 * labels, and only members are newly assigned.
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
      // A card moved to another list is created there with its id, then deleted where it was:
      // it keeps its stamps and its assignees (former members too), and takes no new room.
      const moving = command.createdId
        ? itemElsewhere(document, command.createdId, place.listId)
        : undefined;
      const problem =
        propsProblem(fields, itemProps, "an item") ??
        itemProblem(document, fields, moving, context);
      if (problem) return reject(problem);
      if (!moving && context.itemCount >= BOARD_LIMITS.items) return reject(BOARD_FULL_MESSAGE);
      if (!node(document, path) && command.parentDefault === undefined) return undefined;
      context.itemCount += 1;
      return {
        props: {
          text: "",
          done: false,
          ...fields,
          createdAt:
            typeof moving?.createdAt === "string" ? moving.createdAt : context.now.toISOString(),
          createdBy: typeof moving?.createdBy === "string" ? moving.createdBy : context.userId,
        },
      };
    }

    case "item": {
      if (action === "create") return shapeError;
      const current = node(document, path);
      if (action === "delete") {
        if (current) context.itemCount -= 1;
        return undefined;
      }
      const props = command.props ?? {};
      return refusedProps(
        propsProblem(props, itemProps, "an item") ?? itemProblem(document, props, current, context),
      );
    }

    case "labels": {
      // create a label
      if (action !== "create") return shapeError;
      if (command.parentDefault !== undefined && Object.keys(command.parentDefault).length > 0) {
        return reject("the labels' parentDefault must be {}");
      }
      const props = command.props ?? {};
      const problem = propsProblem(props, labelProps, "a label");
      if (problem) return reject(problem);
      if (props.name === undefined) return reject("name is required");
      if (props.color === undefined) return reject("color is required");
      const labels = node(document, path);
      if (labels && Object.keys(labels).length >= BOARD_LIMITS.labels) {
        return reject(LABELS_FULL_MESSAGE);
      }
      if (nameTaken(document, props.name)) return reject(nameTakenMessage(props.name));
      return undefined;
    }

    case "label": {
      if (action === "create") return shapeError;
      if (action === "delete") return undefined;
      const props = command.props ?? {};
      const problem = propsProblem(props, labelProps, "a label");
      if (problem) return reject(problem);
      if (nameTaken(document, props.name, place.labelId)) {
        return reject(nameTakenMessage(props.name));
      }
      return undefined;
    }
  }
};

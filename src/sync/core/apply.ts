import type { Command, Doc, JsonObject, JsonValue, MappedPath } from "../protocol";
import { ACTIONS } from "../protocol";
import { newId } from "./ids";
import { keyProblem, pathProblem, showPath } from "./path";

export type ApplyOutcome =
  | { ok: true; completion: Command; mapped?: MappedPath }
  | { ok: false; message: string };

export interface ApplyOptions {
  /**
   * C3: what a create does when its id is taken under the parent: pick a fresh id ("rename",
   * the master and local edits) or fail ("fail", replaying completions, which never collide).
   */
  onCollision: "rename" | "fail";
  /** Source of fresh ids; tests inject a deterministic one. */
  newId?: () => string;
}

export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A deep copy of a JSON value, so a document never shares objects with a caller's command.
 * Far cheaper than structuredClone for the small, mostly flat values commands carry.
 */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T;
  const copy: JsonObject = {};
  for (const key of Object.keys(value))
    copy[key] = cloneJson((value as JsonObject)[key] as JsonValue);
  return copy as T;
}

function propsProblem(name: string, props: unknown): string | null {
  if (!isPlainObject(props)) return `${name} must be an object`;
  for (const key of Object.keys(props)) {
    const problem = keyProblem(key);
    if (problem) return `${name} key ${problem}`;
  }
  return null;
}

/** The node at `path`, or a message saying where the walk failed. C5. */
function resolve(doc: Doc, path: readonly string[], upTo = path.length): JsonObject | string {
  let node: JsonValue = doc;
  for (let i = 0; i < upTo; i++) {
    const key = path[i] as string;
    if (!isPlainObject(node)) return `${showPath(path.slice(0, i))} is not an object`;
    if (!Object.hasOwn(node, key)) return `no node at ${showPath(path.slice(0, i + 1))}`;
    node = node[key] as JsonValue;
  }
  if (!isPlainObject(node)) {
    return node === null
      ? `${showPath(path.slice(0, upTo))} is null`
      : `${showPath(path.slice(0, upTo))} is not an object`;
  }
  return node;
}

/**
 * Applies one command to `doc` in place (an Immer draft, or a plain object the caller owns).
 * C5: a command that cannot apply leaves `doc` untouched and returns `{ ok: false, message }`;
 * nothing here throws on bad input.
 */
export function applyCommand(doc: Doc, command: Command, options: ApplyOptions): ApplyOutcome {
  if (typeof command !== "object" || command === null) {
    return { ok: false, message: "command must be an object" };
  }
  if (!ACTIONS.includes(command.action)) {
    return { ok: false, message: `action must be one of ${ACTIONS.join(", ")}` };
  }
  const problem = pathProblem(command.path);
  if (problem) return { ok: false, message: problem };
  switch (command.action) {
    case "create":
      return create(doc, command, options);
    case "update":
      return update(doc, command);
    case "delete":
      return remove(doc, command);
  }
}

function create(doc: Doc, command: Command, options: ApplyOptions): ApplyOutcome {
  const { path } = command;
  const props = command.props ?? {};
  const propsIssue = propsProblem("props", props);
  if (propsIssue) return { ok: false, message: propsIssue };
  if (command.parentDefault !== undefined) {
    const issue = propsProblem("parentDefault", command.parentDefault);
    if (issue) return { ok: false, message: issue };
  }
  const proposed = command.createdId ?? (options.newId ?? newId)();
  const idIssue = keyProblem(proposed);
  if (idIssue) return { ok: false, message: `createdId ${idIssue}` };

  // C2: the parent may be missing only when the command says what to create in its place.
  let parent: JsonObject | undefined;
  let grandparent: JsonObject | undefined;
  if (path.length === 0) {
    parent = doc;
  } else {
    const above = resolve(doc, path, path.length - 1);
    if (typeof above === "string") return { ok: false, message: above };
    const key = path[path.length - 1] as string;
    if (Object.hasOwn(above, key)) {
      const existing = above[key];
      if (!isPlainObject(existing)) {
        return {
          ok: false,
          message: `${showPath(path)} is ${existing === null ? "null" : "not an object"}`,
        };
      }
      parent = existing;
    } else if (command.parentDefault !== undefined) {
      grandparent = above;
    } else {
      return { ok: false, message: `no node at ${showPath(path)}` };
    }
  }

  let id = proposed;
  if (parent && Object.hasOwn(parent, id)) {
    if (options.onCollision === "fail") {
      return { ok: false, message: `id "${id}" is already taken under ${showPath(path)}` };
    }
    const fresh = options.newId ?? newId;
    do id = fresh();
    while (Object.hasOwn(parent, id));
  }

  if (grandparent) {
    parent = cloneJson(command.parentDefault as JsonObject);
    grandparent[path[path.length - 1] as string] = parent;
    parent = grandparent[path[path.length - 1] as string] as JsonObject;
  }
  (parent as JsonObject)[id] = cloneJson(props);

  const completion: Command = { action: "create", path, props, createdId: id };
  if (command.parentDefault !== undefined) completion.parentDefault = command.parentDefault;
  copyGrouping(command, completion);
  return id === proposed
    ? { ok: true, completion }
    : { ok: true, completion, mapped: { from: [...path, proposed], to: [...path, id] } };
}

function update(doc: Doc, command: Command): ApplyOutcome {
  if (command.props === undefined) return { ok: false, message: "update needs props" };
  const issue = propsProblem("props", command.props);
  if (issue) return { ok: false, message: issue };
  const node = resolve(doc, command.path);
  if (typeof node === "string") return { ok: false, message: node };
  for (const [key, value] of Object.entries(command.props)) {
    node[key] = cloneJson(value);
  }
  const completion: Command = { action: "update", path: command.path, props: command.props };
  copyGrouping(command, completion);
  return { ok: true, completion };
}

function remove(doc: Doc, command: Command): ApplyOutcome {
  const { path } = command;
  if (path.length === 0) return { ok: false, message: "cannot delete the root" };
  const parent = resolve(doc, path, path.length - 1);
  if (typeof parent === "string") return { ok: false, message: parent };
  const key = path[path.length - 1] as string;
  if (!Object.hasOwn(parent, key)) return { ok: false, message: `no node at ${showPath(path)}` };
  delete parent[key];
  const completion: Command = { action: "delete", path };
  copyGrouping(command, completion);
  return { ok: true, completion };
}

function copyGrouping(from: Command, to: Command) {
  if (from.actionId !== undefined) to.actionId = from.actionId;
  if (from.label !== undefined) to.label = from.label;
}

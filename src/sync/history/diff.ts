import { cloneJson, isPlainObject } from "../core/apply";
import type { Command, Doc, JsonObject, JsonValue, Path } from "../protocol";

/**
 * The nodes whose own props or children may differ between two documents: a trie of paths, where
 * a `deep` node's whole subtree must be compared. Built from the commands that separate the two
 * documents, so a diff costs what those commands touched, not the document's size (X1).
 */
export interface Scope {
  deep: boolean;
  children: Map<string, Scope>;
}

export function emptyScope(): Scope {
  return { deep: false, children: new Map() };
}

function scopeAt(scope: Scope, path: Path): Scope {
  let node = scope;
  for (const key of path) {
    let child = node.children.get(key);
    if (!child) {
      child = emptyScope();
      node.children.set(key, child);
    }
    node = child;
  }
  return node;
}

/**
 * D2: marks what `command` can change: an update its node's props; a create its parent's children
 * (and, through parentDefault, the grandparent's) and the whole new subtree; a delete its
 * parent's children and the whole removed subtree.
 */
export function widenScope(scope: Scope, command: Command): void {
  const { path } = command;
  if (command.action === "update") {
    scopeAt(scope, path);
    return;
  }
  if (command.action === "create") {
    const parent = path.length > 0 ? scopeAt(scope, path.slice(0, -1)) : scope;
    const target = path.length > 0 ? scopeAt(parent, path.slice(-1)) : scope;
    if (command.parentDefault !== undefined) target.deep = true;
    if (command.createdId !== undefined) scopeAt(target, [command.createdId]).deep = true;
    else target.deep = true;
    return;
  }
  if (path.length > 0) scopeAt(scope, path).deep = true;
}

export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((value, i) => jsonEqual(value, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/**
 * D1: the commands that turn `from` into `to` (applied in order to `from`, they give a document
 * equal to `to`). Object-valued keys are nodes and are created, deleted or compared in turn; any
 * other value is a prop and is set by an update. A node that lost a prop is replaced (delete, then
 * create with its new value), because an update can only set keys. With `scope`, only the nodes it
 * marks are compared (D2): the caller promises every other node is equal in both documents.
 */
export function diffDocuments(from: Doc, to: Doc, scope?: Scope): Command[] {
  const out: Command[] = [];
  diffNode(from, to, [], scope, out);
  return out;
}

function diffNode(
  a: JsonObject,
  b: JsonObject,
  path: string[],
  scope: Scope | undefined,
  out: Command[],
) {
  if (a === b) return;
  const full = scope === undefined || scope.deep;
  const props: JsonObject = {};
  let setsProps = false;
  let lostProp = false;
  for (const key of Object.keys(a)) {
    if (!Object.hasOwn(b, key) && !isPlainObject(a[key])) lostProp = true;
  }
  if (lostProp && path.length > 0) {
    out.push({ action: "delete", path });
    out.push({
      action: "create",
      path: path.slice(0, -1),
      createdId: path[path.length - 1],
      props: cloneJson(b),
    });
    return;
  }
  for (const key of Object.keys(a)) {
    if (!Object.hasOwn(b, key)) {
      if (isPlainObject(a[key])) out.push({ action: "delete", path: [...path, key] });
      else {
        // Only the root gets here (it cannot be replaced): the closest an update comes is null.
        props[key] = null;
        setsProps = true;
      }
    }
  }
  const children: string[] = [];
  for (const key of Object.keys(b)) {
    const before = Object.hasOwn(a, key) ? a[key] : undefined;
    const after = b[key] as JsonValue;
    if (isPlainObject(after)) {
      if (before === undefined) {
        out.push({ action: "create", path, createdId: key, props: cloneJson(after) });
      } else if (!isPlainObject(before)) {
        props[key] = cloneJson(after);
        setsProps = true;
      } else if (full || scope?.children.has(key)) {
        children.push(key);
      }
    } else if (!jsonEqual(before, after)) {
      props[key] = cloneJson(after);
      setsProps = true;
    }
  }
  if (setsProps) out.push({ action: "update", path, props });
  for (const key of children) {
    diffNode(
      a[key] as JsonObject,
      b[key] as JsonObject,
      [...path, key],
      full ? undefined : scope?.children.get(key),
      out,
    );
  }
}

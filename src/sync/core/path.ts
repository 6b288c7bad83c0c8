import { FORBIDDEN_KEYS, LIMITS, type MappedPath, type Path } from "../protocol";

/** P1/P2: why `key` cannot be a path segment or a prop key, or null when it can. */
export function keyProblem(key: unknown): string | null {
  if (typeof key !== "string") return `must be a string, got ${key === null ? "null" : typeof key}`;
  if (key.length === 0) return "must not be empty";
  if (key.length > LIMITS.segmentLength) {
    return `must be at most ${LIMITS.segmentLength} characters`;
  }
  if (FORBIDDEN_KEYS.has(key)) return `"${key}" is a reserved key`;
  return null;
}

/** P1/P2: why `path` is not a valid path, or null when it is. */
export function pathProblem(path: unknown): string | null {
  if (!Array.isArray(path)) return "path must be an array of strings";
  if (path.length > LIMITS.pathDepth) return `path must have at most ${LIMITS.pathDepth} segments`;
  for (let i = 0; i < path.length; i++) {
    const problem = keyProblem(path[i]);
    if (problem) return `path[${i}] ${problem}`;
  }
  return null;
}

export function pathsEqual(a: Path, b: Path): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isPrefix(prefix: Path, path: Path): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

/**
 * M4: rewrites `path` by the mapping with the longest `from` that is a prefix of it, so commands
 * follow a renamed node and everything under it. Returns `path` itself when nothing matches.
 */
export function mapPath(path: string[], mappings: readonly MappedPath[]): string[] {
  let best: MappedPath | undefined;
  for (const mapping of mappings) {
    if (isPrefix(mapping.from, path) && (!best || mapping.from.length > best.from.length)) {
      best = mapping;
    }
  }
  return best ? [...best.to, ...path.slice(best.from.length)] : path;
}

/** Readable form of a path for messages. */
export function showPath(path: Path): string {
  return path.length === 0 ? "(root)" : path.map((s) => JSON.stringify(s)).join(" › ");
}

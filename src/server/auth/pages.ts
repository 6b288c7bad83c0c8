import type { AuthSession } from "./create-auth";

/**
 * The one bridge between Rewind's Node server and Next's bundle, which loads its own copy of the
 * modules it imports: the server hands its session lookup over at start (`shareSessionLookup`),
 * and pages read the signed-in user through it (`getSession`). Nothing else of the server is
 * reachable from, or built again by, Next's bundle.
 */
const LOOKUP = Symbol.for("rewind.sessionLookup");

type SessionLookup = (headers: Headers) => Promise<AuthSession | null>;

/** Called once by the server, before it serves pages. */
export function shareSessionLookup(lookup: SessionLookup): void {
  (globalThis as { [LOOKUP]?: SessionLookup })[LOOKUP] = lookup;
}

/** The signed-in user's session for these request headers, or null (a page's server component). */
export function getSession(headers: Headers): Promise<AuthSession | null> {
  const lookup = (globalThis as { [LOOKUP]?: SessionLookup })[LOOKUP];
  if (!lookup) {
    throw new Error(
      "Rewind's pages are served by its own server: run `npm run dev` or `npm start`",
    );
  }
  return lookup(headers);
}

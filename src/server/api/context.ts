import type { AuthSession } from "../auth";
import { getSession } from "../auth";
import { type BoardService, getBoardService } from "../boards";
import type { Database } from "../db";
import { getDatabase } from "../db";

/** What every procedure sees. Tests build it directly with `createInnerContext`. */
export interface InnerContext {
  db: Database;
  session: AuthSession | null;
  boards: BoardService;
}

export function createInnerContext(context: InnerContext): InnerContext {
  return context;
}

/** The context of an HTTP call: the database and the session named by the request's cookie. */
export async function createTRPCContext({ headers }: { headers: Headers }): Promise<InnerContext> {
  const [db, session, boards] = await Promise.all([
    getDatabase(),
    getSession(headers),
    getBoardService(),
  ]);
  return createInnerContext({ db, session, boards });
}

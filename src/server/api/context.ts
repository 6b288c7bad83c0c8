import type { AuthSession } from "../auth";
import { getSession } from "../auth";
import { getServices, type Services } from "../services";

/** What every procedure sees: the process's services side by side, and the caller's session. */
export interface InnerContext extends Omit<Services, "close"> {
  session: AuthSession | null;
}

/** The context from services and a session; tests build it directly. */
export function createInnerContext({
  session,
  ...services
}: Omit<Services, "close"> & { session: AuthSession | null }): InnerContext {
  return {
    db: services.db,
    boards: services.boards,
    history: services.history,
    presence: services.presence,
    session,
  };
}

/** The context of an HTTP call: the services and the session named by the request's cookie. */
export async function createTRPCContext({ headers }: { headers: Headers }): Promise<InnerContext> {
  const [services, session] = await Promise.all([getServices(), getSession(headers)]);
  return createInnerContext({ ...services, session });
}

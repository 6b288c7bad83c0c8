import type { CreateWSSContextFnOptions } from "@trpc/server/adapters/ws";
import { createInnerContext, type InnerContext, protocolOf } from "../api/context";
import type { SessionCache } from "../auth/SessionCache";
import type { Services } from "../services";
import { directChannel } from "./direct-subscriptions";
import { headersOf } from "./http-handler";

/**
 * How each WebSocket connection gets its context, made once when it opens: the session comes
 * from the upgrade request's cookie (never from input), and is then watched, so a socket whose
 * session is signed out or expires gets UNAUTHORIZED within a second and is closed (which ends its
 * subscriptions; the client reconnects and finds itself signed out).
 */
export function wsContext(services: Services, sessions: SessionCache) {
  return async function createWSContext({
    req,
    res: socket,
    info,
  }: CreateWSSContextFnOptions): Promise<InnerContext> {
    const session = await sessions.get(headersOf(req.headers));
    const ctx = createInnerContext({
      ...services,
      session,
      clientProtocol: protocolOf(info.connectionParams?.protocol),
      direct: directChannel(socket, services.broadcast),
      peer: services.placement.isPeer(info.connectionParams?.peer),
    });
    if (session) {
      // Fair use: a person keeps at most so many sockets open on one instance (RATE_LIMIT_SOCKETS).
      const release = services.fairUse.openSocket(session.user.id);
      if (!release) {
        ctx.session = null;
        socket.close(4429, "Too many open sockets");
        return ctx;
      }
      socket.once("close", release);
      const watch = sessions.watch(session, () => {
        ctx.session = null;
        // Its subscriptions end with it; the client reconnects unauthenticated, so its next call
        // is refused (UNAUTHORIZED) and the page asks the person to sign in again.
        socket.close(4401, "Session ended");
      });
      socket.once("close", watch.stop);
    }
    return ctx;
  };
}

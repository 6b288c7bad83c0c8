import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createTRPCContext } from "@/server/api/context";
import { appRouter } from "@/server/api/root";
import { reportFailedCall } from "@/server/observability/calls";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ info }) =>
      createTRPCContext({ headers: req.headers, connectionParams: info.connectionParams }),
    onError: reportFailedCall,
  });
}

export { handler as GET, handler as POST };

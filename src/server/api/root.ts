import { boardRouter } from "./routers/board";
import { historyRouter } from "./routers/history";
import { peerRouter } from "./routers/peer";
import { presenceRouter } from "./routers/presence";
import { syncRouter } from "./routers/sync";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  board: boardRouter,
  sync: syncRouter,
  presence: presenceRouter,
  history: historyRouter,
  peer: peerRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (server components, tests): `createCaller(ctx).board.list()`. */
export const createCaller = createCallerFactory(appRouter);

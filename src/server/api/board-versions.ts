import { TRPCError } from "@trpc/server";
import { BoardNotFound } from "../boards/errors";
import type { BoardService } from "../boards/master/BoardService";
import type { MemberRoles } from "../boards/members/MemberRoles";
import { trackSubscription } from "../observability/metrics";
import type { VersionSender } from "./direct";
import { createWakeup } from "./signal";

/** What a board subscription reads of the call's context. */
interface Watcher {
  boards: BoardService;
  roles: MemberRoles;
  user: { id: string };
}

/** A board subscription's call: its procedure (counted in /api/metrics while open) and input. */
interface BoardSubscription {
  procedure: string;
  boardId: string;
  lastEventId?: string | null;
  signal?: AbortSignal;
}

/**
 * The board versions a subscription has to send, as ranges (`from`, `to`]: from `lastEventId`
 * (else the head when it starts), each time versions are committed on any instance. It registers
 * before reading the head, so no version falls between catching up and listening. It ends when
 * `signal` aborts, and with NOT_FOUND as soon as the caller is no longer a member (on any
 * instance). With `listen: false` someone else sends the versions (a WebSocket's broadcast): it
 * only watches membership, and `start(head, from)` hands over, returning what undoes it.
 */
export async function* boardVersions(
  ctx: Watcher,
  { procedure, boardId, lastEventId, signal }: BoardSubscription,
  options: VersionSender = {},
): AsyncGenerator<{ from: number; to: number }> {
  const wakeup = createWakeup(signal);
  const listen = options.listen !== false;
  let latest = 0;
  let membersChanged = false;
  const off = listen
    ? ctx.boards.events.subscribe(boardId, (version) => {
        latest = Math.max(latest, version);
        wakeup.notify();
      })
    : () => {};
  const offMembers = ctx.roles.watch(boardId, () => {
    membersChanged = true;
    wakeup.notify();
  });
  let stop = () => {};
  const untrack = trackSubscription(procedure);
  try {
    const head = await ctx.boards.head(boardId);
    if (head === null) throw new BoardNotFound(boardId);
    latest = Math.max(latest, head);
    let sent = lastEventId != null ? Number(lastEventId) : head;
    stop = options.start?.(head, sent) ?? stop;
    while (!signal?.aborted) {
      if (membersChanged) {
        membersChanged = false;
        if (!(await ctx.roles.of(boardId, ctx.user.id))) {
          throw new TRPCError({ code: "NOT_FOUND", message: "Board not found" });
        }
      }
      if (listen && latest > sent) {
        const to = latest;
        yield { from: sent, to };
        sent = to;
        continue;
      }
      await wakeup.wait();
    }
  } finally {
    stop();
    off();
    offMembers();
    untrack();
  }
}

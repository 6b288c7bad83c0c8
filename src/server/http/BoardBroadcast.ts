import type { RemoteChanges } from "@/sync";
import type { AnnouncedVersion, BoardEvents } from "../boards/live/BoardEvents";
import { log } from "../observability/log";

/** A socket as the broadcast writes to it (a `ws` WebSocket). */
export interface TextSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(text: string): void;
}

/**
 * A WebSocket's `sync.subscribe`, sent its events as ready-made text: each is the message tRPC
 * itself would send for a tracked event of plain data, for the request's `id` (and `jsonrpc`).
 */
export interface DirectSubscriber {
  /** The last version it was sent (or had, when it joined). */
  sent: number;
  request: { id: string | number; jsonrpc?: string };
  socket: TextSocket;
}

interface Room {
  members: Set<DirectSubscriber>;
  /** The newest version heard of. */
  latest: number;
  /** The last version this instance wrote and announced, with its commands. */
  announced: AnnouncedVersion | null;
  off: () => void;
  running: boolean;
  again: boolean;
}

/**
 * Sends each board's new versions to all its direct subscribers, as a chat server broadcasts:
 * the changes are read and turned into JSON once per version (per starting version, when
 * subscribers are at different ones), and each subscriber's message only wraps that text with
 * its own ids. Per board one listener and one sender at a time, so every subscriber gets every
 * version once, in order, from the version it joined at.
 */
export class BoardBroadcast {
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly events: BoardEvents,
    private readonly commands: {
      changesSince(boardId: string, from: number, to: number): Promise<RemoteChanges>;
    },
  ) {}

  /** Sends `subscriber` the board's versions after `subscriber.sent` (up to `head` at once). */
  join(boardId: string, subscriber: DirectSubscriber, head: number): () => void {
    let room = this.rooms.get(boardId);
    if (!room) {
      const created: Room = {
        members: new Set(),
        latest: head,
        announced: null,
        off: () => {},
        running: false,
        again: false,
      };
      created.off = this.events.subscribe(boardId, (version, announced) => {
        if (announced) created.announced = announced;
        created.latest = Math.max(created.latest, version);
        this.advance(boardId, created);
      });
      room = created;
      this.rooms.set(boardId, room);
    }
    room.members.add(subscriber);
    room.latest = Math.max(room.latest, head);
    this.advance(boardId, room);
    const joined = room;
    return () => {
      joined.members.delete(subscriber);
      if (joined.members.size === 0 && this.rooms.get(boardId) === joined) {
        joined.off();
        this.rooms.delete(boardId);
      }
    };
  }

  /** Subscribers sent to directly right now (metrics). */
  get subscribers(): number {
    let count = 0;
    for (const room of this.rooms.values()) count += room.members.size;
    return count;
  }

  private advance(boardId: string, room: Room) {
    if (room.running) {
      room.again = true;
      return;
    }
    room.running = true;
    void this.send(boardId, room).finally(() => {
      room.running = false;
    });
  }

  private async send(boardId: string, room: Room) {
    do {
      room.again = false;
      const to = room.latest;
      // Subscribers behind `to`, grouped by where they are (nearly always all at one version).
      const behind = new Map<number, DirectSubscriber[]>();
      for (const member of room.members) {
        if (member.sent >= to) continue;
        const group = behind.get(member.sent);
        if (group) group.push(member);
        else behind.set(member.sent, [member]);
      }
      for (const [from, group] of behind) {
        let json: string;
        try {
          json = JSON.stringify(await this.changes(boardId, room, from, to));
        } catch (error) {
          // They stay where they are; the next version retries.
          log.warn({ boardId, from, to, err: error }, "could not read changes for subscribers");
          continue;
        }
        const id = JSON.stringify(String(to));
        for (const member of group) {
          if (!room.members.has(member) || member.sent !== from) continue;
          const { socket } = member;
          if (socket.readyState === socket.OPEN) socket.send(frame(member, id, json));
          member.sent = to;
        }
      }
    } while (room.again);
  }

  /** The changes from `from` to `to`: as announced, when this instance just wrote them. */
  private changes(
    boardId: string,
    room: Room,
    from: number,
    to: number,
  ): RemoteChanges | Promise<RemoteChanges> {
    const { announced } = room;
    if (announced?.from === from && announced.version === to) {
      return { from, completions: announced.commands };
    }
    return this.commands.changesSince(boardId, from, to);
  }
}

/** The message tRPC itself would send `subscriber` for the tracked event `id` of `changesJson`. */
function frame({ request }: DirectSubscriber, id: string, changesJson: string): string {
  const jsonrpc = request.jsonrpc ? `,"jsonrpc":${JSON.stringify(request.jsonrpc)}` : "";
  return `{"id":${JSON.stringify(request.id)}${jsonrpc},"result":{"type":"data","id":${id},"data":{"json":{"id":${id},"data":${changesJson}}}}}`;
}

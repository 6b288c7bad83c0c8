import { EventEmitter } from "node:events";

export interface PresentUser {
  id: string;
  name: string;
}

/**
 * Who has a board open on this instance: one entry per open connection, so a user with two tabs
 * stays present until both close. (Instances do not share presence yet.)
 */
export class Presence {
  private readonly boards = new Map<string, Map<symbol, PresentUser>>();
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  /** Marks `user` present on `boardId` until the returned function is called. */
  join(boardId: string, user: PresentUser): () => void {
    const key = Symbol(user.id);
    let connections = this.boards.get(boardId);
    if (!connections) {
      connections = new Map();
      this.boards.set(boardId, connections);
    }
    connections.set(key, user);
    this.emitter.emit(boardId);
    return () => {
      connections.delete(key);
      if (connections.size === 0) this.boards.delete(boardId);
      this.emitter.emit(boardId);
    };
  }

  /** Everyone present, once each, in the order they arrived. */
  list(boardId: string): PresentUser[] {
    const unique = new Map<string, PresentUser>();
    for (const user of this.boards.get(boardId)?.values() ?? []) unique.set(user.id, user);
    return [...unique.values()];
  }

  onChange(boardId: string, listener: () => void): () => void {
    this.emitter.on(boardId, listener);
    return () => this.emitter.off(boardId, listener);
  }
}

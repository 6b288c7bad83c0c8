/**
 * What a socket offers a `sync.subscribe` subscription: a subscriber that the board's broadcast
 * writes events to as ready-made text, for the socket's newest subscribe request of this board
 * and `lastEventId`, or null when there is none. The transport (http/) provides it.
 */
export interface DirectChannel {
  subscriber(boardId: string, lastEventId: string | null, sent: number): DirectSubscriber | null;
}

/**
 * A subscriber that takes its events as ready-made text: `frame(version, changes)` wraps the
 * changes' JSON in its own message.
 */
export interface DirectSubscriber {
  /** The last version it was sent (or had, when it joined). */
  sent: number;
  frame(version: number, changesJson: string): string;
  send(text: string): void;
}

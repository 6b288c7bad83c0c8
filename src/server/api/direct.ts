/**
 * Who sends a board subscription's versions: by default the subscription itself (it listens and
 * yields them); on a WebSocket the transport may take over (`listen: false`), and `start(head,
 * from)` hands the subscription to it, returning what undoes that.
 */
export interface VersionSender {
  listen?: boolean;
  start?: (head: number, from: number) => () => void;
}

/**
 * What a socket offers `sync.subscribe`: for the socket's newest subscribe request of this board
 * and `lastEventId`, the sender that writes its events straight to the socket, or null when there
 * is none. The transport (http/) provides it; the procedure does not know which transport it is on.
 */
export interface DirectChannel {
  senderFor(boardId: string, lastEventId: string | null): VersionSender | null;
}

/**
 * The notice of a board's new version that instances on one PostgreSQL send each other (NOTIFY
 * on this channel, carried by the writer's transaction so it is delivered when it commits: never
 * lost, never early), and how it is read back.
 */
export const VERSION_CHANNEL = "rewind_board";

/** The notice `instance` sends when it moved `boardId` to `version`. */
export function versionNotice(boardId: string, version: number, instance: string) {
  return { channel: VERSION_CHANNEL, payload: `${boardId}\n${version}\n${instance}` };
}

/** A notice read back: the board, its version and the instance that wrote it (null: unknown). */
export function readVersionNotice(
  payload: string,
): { boardId: string; version: number; writer: string | null } | null {
  const [boardId, version, writer] = payload.split("\n");
  if (!boardId || !version) return null;
  return { boardId, version: Number(version), writer: writer || null };
}

import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * The process's logger: one JSON object per line in production (request, board and user ids as
 * fields, errors with their cause under `err`), colored lines for people in development.
 * LOG_LEVEL sets the level (default info). Kept on globalThis: Next's bundle and the WebSocket
 * server each load this module, and both must write through one logger.
 */
function createLogger(): Logger {
  const level = process.env.LOG_LEVEL ?? "info";
  if (process.env.NODE_ENV === "production") return pino({ level });
  return pino({ level }, pretty({ colorize: true, sync: true, ignore: "pid,hostname" }));
}

const globalForLog = globalThis as { __rewindLog?: Logger };

globalForLog.__rewindLog ??= createLogger();
export const log: Logger = globalForLog.__rewindLog;

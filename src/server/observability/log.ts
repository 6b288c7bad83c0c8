import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * The process's logger: one JSON object per line in production (request, board and user ids as
 * fields, errors with their cause under `err`), colored lines for people in development.
 * LOG_LEVEL sets the level (default info).
 */
function createLogger(): Logger {
  const level = process.env.LOG_LEVEL ?? "info";
  if (process.env.NODE_ENV === "production") return pino({ level });
  return pino({ level }, pretty({ colorize: true, sync: true, ignore: "pid,hostname" }));
}

export const log: Logger = createLogger();

import pino, { type Logger } from "pino";

/** Secrets never reach a log line, whatever object carries them. */
export const REDACT = [
  "apiKey", "token", "authorization", "password", "secret",
  "*.apiKey", "*.token", "*.authorization", "*.password", "*.secret",
  "req.headers.authorization", "req.headers.cookie", "req.headers[\"x-api-key\"]",
  "config.llm.apiKey", "config.video.token", "config.server.internalToken", "config.server.apiKey",
];

/** JSON logs on stderr, so a command's stdout carries only its own output. */
export function createLogger(level: string, destination: number | NodeJS.WritableStream = 2): Logger {
  return pino(
    { level, base: { service: "reelgraph" }, redact: { paths: REDACT, censor: "[redacted]" } },
    typeof destination === "number" ? pino.destination({ fd: destination, sync: false }) : destination,
  );
}

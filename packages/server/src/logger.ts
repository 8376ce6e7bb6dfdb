import { pino, type DestinationStream, type Logger } from "pino";
import { PinoPretty } from "pino-pretty";

export type { Logger };

/** Query parameters that carry credentials (UserSig, Tencent's Sign, tokens, keys, passwords). */
const SECRET_QUERY =
  /([?&](?:usersig|sign|sig|signature|token|access_token|key|secret|password|pass|auth)=)[^&#]*/gi;

/**
 * A URL as it may appear in a log line: a password in its user info and the values of query
 * parameters that carry credentials are replaced by `[redacted]`. A value that does not parse as a URL
 * is returned with only the query rule applied.
 */
export function redactUrl(url: string): string {
  let out = url;
  try {
    const u = new URL(url);
    if (u.password !== "") {
      u.password = "[redacted]";
      out = u.toString();
    }
  } catch {
    // Not an absolute URL (a path and query): only the query rule applies.
  }
  return out.replace(SECRET_QUERY, "$1[redacted]");
}

/** Where log lines go and in which form. */
export interface LoggerOptions {
  /** pino's level name: trace, debug, info, warn, error, fatal or silent (`ROOMHOOK_LOG_LEVEL`). */
  level: string;
  /** Default: standard error. */
  destination?: NodeJS.WritableStream;
  /**
   * `pretty`: one coloured line per record, for a person at a terminal (pino-pretty); `json`: one
   * JSON object per line, for a log shipper. Default: `pretty` when the destination is a TTY.
   */
  format?: "pretty" | "json";
}

/**
 * The one logger every part of the server writes to. Secrets are redacted by path (UserSigs,
 * tokens, signing secrets, keys); URLs are passed through {@link redactUrl} by the code that logs them.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const destination = opts.destination ?? process.stderr;
  const tty = (destination as { isTTY?: boolean }).isTTY === true;
  const format = opts.format ?? (tty ? "pretty" : "json");
  let stream: DestinationStream;
  if (format === "pretty")
    stream = PinoPretty({
      destination,
      colorize: tty,
      sync: true,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,name",
      singleLine: true,
    });
  // Standard error written straight to its descriptor (sonic-boom), not through Node's stream.
  else if (opts.destination === undefined) stream = pino.destination({ dest: 2, sync: true });
  else stream = destination;
  return pino(
    {
      level: opts.level,
      name: "roomhook",
      redact: {
        paths: [
          "usersig",
          "userSig",
          "secretKey",
          "token",
          "Token",
          "signingSecret",
          "secret",
          "password",
          "*.usersig",
          "*.userSig",
          "*.secretKey",
          "*.token",
          "*.Token",
          "*.signingSecret",
          "*.secret",
          "*.password",
        ],
        censor: "[redacted]",
      },
    },
    stream,
  );
}

import { pino, type DestinationStream, type Logger } from "pino";
import { PinoPretty } from "pino-pretty";

export type { Logger };

/**
 * A query parameter whose name (decoded, any case) contains one of these carries a credential:
 * `usersig`, `Sign`, `token`, `api_key`, `client_secret`, `X-Amz-Signature`, `pwd`, `jwt`, …
 */
const SECRET_NAME = /sig|sign|token|key|secret|pass|pwd|auth|credential|jwt|session|cookie/i;

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/**
 * A URL (or a text holding one) as it may appear in a log line, an error or an operational event:
 * a password in its user info and the value of every query parameter whose name looks like a
 * credential ({@link SECRET_NAME}; `&` and `;` both separate) are replaced by `[redacted]`.
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
    // Not an absolute URL (a path and query, or a text): only the query rule applies.
  }
  return out.replace(/([?&;])([^=&;#\s]*)=([^&;#\s]*)/g, (m, sep: string, name: string) =>
    SECRET_NAME.test(decodedName(name)) ? `${sep}${name}=[redacted]` : m,
  );
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

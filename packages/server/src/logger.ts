import { pino, type Logger } from "pino";

export type { Logger };

/** Query parameters and fields that carry credentials; never logged. */
const SECRET_QUERY = /([?&](?:usersig|Sign|token)=)[^&]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, "$1[redacted]");
}

export function createLogger(opts: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: "roomhook" },
      redact: {
        paths: [
          "usersig",
          "secretKey",
          "token",
          "Token",
          "signingSecret",
          "*.usersig",
          "*.secretKey",
          "*.Token",
        ],
        censor: "[redacted]",
      },
    },
    opts.destination ?? process.stdout,
  );
}

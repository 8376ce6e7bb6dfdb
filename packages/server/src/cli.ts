#!/usr/bin/env node
import { genUserSig } from "@roomhook/protocol";
import { ConfigError, loadConfig } from "./config.ts";
import { resolveAppKeys } from "./secret-key.ts";

/** The `roomhook` command. Exit codes: 0 ok, 1 failure, 2 usage. */

const HELP = `usage: roomhook <command> [options]

commands:
  usersig --identifier ID [--expire SECONDS] [--sdkappid N]
      print a UserSig for ID, made with the app's key (ROOMHOOK_SECRET_KEY, the config file,
      or the key generated in the data directory). --expire defaults to 86400.

Configuration is read as the server reads it (ROOMHOOK_* variables, ROOMHOOK_CONFIG).
`;

function parseArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf("=");
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (a === "--help") out.help = "1";
    else {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      out[a.slice(2)] = v;
    }
  }
  return out;
}

export function runCli(argv: string[], io: { out: (s: string) => void; err: (s: string) => void }): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "help") {
    io.out(HELP);
    return command === undefined ? 2 : 0;
  }
  let args: Record<string, string>;
  try {
    args = parseArgs(rest);
  } catch (e) {
    io.err(`roomhook: ${(e as Error).message}\n${HELP}`);
    return 2;
  }
  if (args.help !== undefined) {
    io.out(HELP);
    return 0;
  }
  switch (command) {
    case "usersig": {
      const identifier = args.identifier;
      const expire = Number(args.expire ?? "86400");
      if (identifier === undefined || identifier === "" || !Number.isSafeInteger(expire) || expire <= 0) {
        io.err(
          `roomhook usersig: --identifier is required and --expire must be a positive number of seconds\n`,
        );
        return 2;
      }
      try {
        const apps = resolveAppKeys(loadConfig());
        const app =
          args.sdkappid === undefined ? apps[0] : apps.find((a) => a.sdkAppId === Number(args.sdkappid));
        if (app === undefined) {
          io.err(`roomhook usersig: no app ${args.sdkappid ?? ""} in the configuration\n`);
          return 1;
        }
        io.out(`${genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, identifier, expire })}\n`);
        return 0;
      } catch (e) {
        io.err(`roomhook: ${e instanceof ConfigError ? e.message : String(e)}\n`);
        return 1;
      }
    }
    default:
      io.err(`roomhook: unknown command ${command}\n${HELP}`);
      return 2;
  }
}

process.exitCode = runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
});

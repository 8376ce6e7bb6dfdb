#!/usr/bin/env node
import { genUserSig } from "@roomhook/protocol";
import { listen, parseBeforeRule, parseRewrite } from "./cli-listen.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { resolveAppKeys } from "./secret-key.ts";

/** The `roomhook` command. Exit codes: 0 ok, 1 failure, 2 usage. */

const HELP = {
  main: `usage: roomhook <command> [options]

commands:
  usersig    print a UserSig made with the app's key
  listen     run a local App backend that verifies and prints every callback
  trigger    make the server do something that sends a callback (\`roomhook trigger --help\` lists them)

\`roomhook <command> --help\` tells more. Configuration is read as the server reads it (ROOMHOOK_*
variables, ROOMHOOK_CONFIG): the app's SDKAppID, key and admin identifier.
`,
  usersig: `usage: roomhook usersig --identifier ID [--expire SECONDS] [--sdkappid N]

Prints a UserSig for ID made with the configured key. --expire defaults to 86400.
`,
  listen: `usage: roomhook listen [--port 9000] [--host 127.0.0.1] [--sdkappid N] [--token TOKEN]
                       [--secret whsec_... (repeatable)] [--forward-to URL] [--json]
                       [--before allow|refuse[:CODE]|refuse-matching:REGEX[:CODE]] [--rewrite FROM=TO]

Answers callbacks at http://HOST:PORT/ (any path): checks that SdkAppid is the app's, checks Sign and
RequestTime when --token is given and the Standard Webhooks signature when --secret is given, prints each
callback, and answers Tencent's OK packet (a refused one gets 401 and its reason). With --forward-to, each
verified callback is also POSTed there as received, and that answer goes back to the sender.
Before-callbacks (Live.CallbackBeforeSendGift, Group.CallbackBeforeSendMsg) are answered by --before
(default allow): refuse answers ErrorCode 1 or CODE; refuse-matching refuses a message whose text, or a
gift whose GiftId, matches REGEX. --rewrite FROM=TO answers an allowed message rewritten (each text's
matches of the regular expression FROM replaced by TO). Each decision is printed.
Point the server at it: live_config/set_callback with Url http://HOST:PORT/callback.
`,
  trigger: `usage: roomhook trigger WHAT --room ROOM [options] [--url SERVER] [--identifier ADMIN]

  create-room      [--owner USER] [--seats N]   Live.CallbackAfterCreateRoom (with N seats: a seat room)
  update-room      --name NAME                  Live.CallbackAfterUpdateRoomInfo
  owner-change     --to USER                    Live.CallbackAfterChangeOwner
  set-admin        --user USER                  Live.CallbackAfterModifyAdmin (add)
  set-metadata     --key K --value V            Live.CallbackAfterSetMetadata
  delete-metadata  --key K                      Live.CallbackAfterDelMetadata
  add-robot        --user ROBOT                 Live.CallbackAfterMemberStateChanged (Online, Enter)
  remove-robot     --user ROBOT                 Live.CallbackAfterMemberStateChanged (Offline, Leave)
  lock-seat        --index N [--unlock]         Mic.CallbackAfterSeatInfoChanged
  destroy-room                                  Live.CallbackAfterDestroyRoom (DestroyByUser)

Calls the server's REST API (default http://127.0.0.1:8080, or ROOMHOOK_HOST/PORT) as the app's admin,
with a UserSig made from the configured key, and prints the answer. Exit 1 when the answer is FAIL.
`,
} as const;

type Args = Record<string, string[]>;

class UsageError extends Error {}

function parseArgs(args: string[]): { positional: string[]; flags: Args } {
  const positional: string[] = [];
  const flags: Args = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    let name: string;
    let value: string;
    if (eq > 0) {
      name = a.slice(2, eq);
      value = a.slice(eq + 1);
    } else if (a === "--help" || a === "--json" || a === "--unlock") {
      name = a.slice(2);
      value = "true";
    } else {
      name = a.slice(2);
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      value = v;
    }
    // Own entries only: `--constructor` must not reach what every object inherits.
    if (!Object.hasOwn(flags, name)) flags[name] = [];
    flags[name]?.push(value);
  }
  return { positional, flags };
}

const one = (f: Args, name: string): string | undefined =>
  Object.hasOwn(f, name) ? f[name]?.at(-1) : undefined;

function allow(f: Args, names: string[]): void {
  for (const k of Object.keys(f))
    if (!names.includes(k) && k !== "help") throw new UsageError(`unknown option --${k}`);
}

async function configured(f: Args) {
  const config = loadConfig();
  const apps = await resolveAppKeys(config);
  const wanted = one(f, "sdkappid");
  const app = wanted === undefined ? apps[0] : apps.find((a) => a.sdkAppId === Number(wanted));
  if (app === undefined) throw new Error(`no app ${wanted ?? ""} in the configuration`);
  return { config, app };
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopped: Promise<void>;
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "help") {
    io.out(HELP.main);
    return command === undefined ? 2 : 0;
  }
  if (!(command in HELP) || command === "main") {
    io.err(`roomhook: unknown command ${command}\n\n${HELP.main}`);
    return 2;
  }
  const help = HELP[command as keyof typeof HELP];
  try {
    const { positional, flags } = parseArgs(rest);
    if (one(flags, "help") !== undefined) {
      io.out(help);
      return 0;
    }
    switch (command) {
      case "usersig": {
        allow(flags, ["identifier", "expire", "sdkappid"]);
        const identifier = one(flags, "identifier");
        const expire = Number(one(flags, "expire") ?? "86400");
        if (identifier === undefined || identifier === "" || !Number.isSafeInteger(expire) || expire <= 0) {
          throw new UsageError("--identifier is required and --expire must be a positive number of seconds");
        }
        const { app } = await configured(flags);
        io.out(`${genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, identifier, expire })}\n`);
        return 0;
      }
      case "listen": {
        allow(flags, [
          "port",
          "host",
          "sdkappid",
          "token",
          "secret",
          "forward-to",
          "json",
          "before",
          "rewrite",
        ]);
        const rewriteText = one(flags, "rewrite");
        const rewrite = rewriteText === undefined ? undefined : parseRewrite(rewriteText);
        if (typeof rewrite === "string") throw new UsageError(rewrite);
        const beforeText = one(flags, "before");
        const before = beforeText === undefined ? undefined : parseBeforeRule(beforeText);
        if (typeof before === "string") throw new UsageError(before);
        const port = Number(one(flags, "port") ?? "9000");
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError("--port must be 0 to 65535");
        const sdkAppId =
          one(flags, "sdkappid") === undefined
            ? (await configured(flags)).app.sdkAppId
            : Number(one(flags, "sdkappid"));
        if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0)
          throw new UsageError("--sdkappid must be a positive number");
        const forwardTo = one(flags, "forward-to");
        if (forwardTo !== undefined && !/^https?:\/\//.test(forwardTo))
          throw new UsageError("--forward-to must be an http(s) URL");
        const token = one(flags, "token");
        const server = await listen({
          host: one(flags, "host") ?? "127.0.0.1",
          port,
          sdkAppId,
          ...(token === undefined ? {} : { token }),
          secrets: flags.secret ?? [],
          ...(forwardTo === undefined ? {} : { forwardTo }),
          json: one(flags, "json") !== undefined,
          out: io.out,
          ...(before === undefined ? {} : { before }),
          ...(rewrite === undefined ? {} : { rewrite }),
        });
        io.out(
          `roomhook listen: listening on ${server.url} for SdkAppid ${sdkAppId}` +
            `${token === undefined ? "" : ", checking Sign"}${(flags.secret ?? []).length > 0 ? ", checking webhook signatures" : ""}` +
            `${forwardTo === undefined ? "" : `, forwarding to ${forwardTo}`}\n` +
            `point the server at it: live_config/set_callback {"Url":"${server.url}/callback", ...}\n`,
        );
        await io.stopped;
        await server.close();
        return 0;
      }
      case "trigger": {
        allow(flags, [
          "room",
          "to",
          "owner",
          "seats",
          "name",
          "user",
          "key",
          "value",
          "index",
          "unlock",
          "url",
          "identifier",
          "sdkappid",
        ]);
        const what = positional[0];
        const room = one(flags, "room");
        if (room === undefined) throw new UsageError("--room is required");
        const need = (name: string) => {
          const v = one(flags, name);
          if (v === undefined) throw new UsageError(`--${name} is required for ${what ?? "this"}`);
          return v;
        };
        const wholeNumber = (name: string) => {
          const v = need(name);
          if (!/^\d{1,6}$/.test(v)) throw new UsageError(`--${name} must be a whole number, got ${v}`);
          return Number(v);
        };
        const srv = "live_engine_http_srv";
        const triggers: Record<string, () => [string, unknown]> = {
          "create-room": () => {
            const owner = one(flags, "owner");
            const seats = one(flags, "seats");
            return [
              `${srv}/create_room`,
              {
                RoomInfo: {
                  RoomId: room,
                  RoomType: "Live",
                  ...(owner === undefined ? {} : { Owner_Account: owner }),
                  ...(seats === undefined
                    ? {}
                    : { SeatTemplate: "AudioSalon", MaxSeatCount: wholeNumber("seats") }),
                },
              },
            ];
          },
          "update-room": () => [
            `${srv}/update_room_info`,
            { RoomInfo: { RoomId: room, RoomName: need("name") } },
          ],
          "owner-change": () => [`${srv}/change_room_owner`, { RoomId: room, NewOwner_Account: need("to") }],
          "set-admin": () => [
            `${srv}/modify_admin`,
            { RoomId: room, Admin_Account: [need("user")], OpType: "add" },
          ],
          "set-metadata": () => [
            `${srv}/set_room_metadata`,
            { RoomId: room, Metadata: [{ Key: need("key"), Value: need("value") }] },
          ],
          "delete-metadata": () => [`${srv}/del_room_metadata`, { RoomId: room, Keys: [need("key")] }],
          "add-robot": () => [`${srv}/add_robot`, { RoomId: room, RobotList_Account: [need("user")] }],
          "remove-robot": () => [`${srv}/del_robot`, { RoomId: room, RobotList_Account: [need("user")] }],
          "lock-seat": () => [
            "room_engine_http_mic/lock_seat",
            { RoomId: room, Index: wholeNumber("index"), ForbidTaken: one(flags, "unlock") === undefined },
          ],
          "destroy-room": () => [`${srv}/destroy_room`, { RoomId: room }],
        };
        const make = what !== undefined && Object.hasOwn(triggers, what) ? triggers[what] : undefined;
        if (make === undefined)
          throw new UsageError(
            `trigger what? ${Object.keys(triggers).join(", ")} (got ${what ?? "nothing"})`,
          );
        const [path, body] = make();
        const { config, app } = await configured(flags);
        const identifier = one(flags, "identifier") ?? app.admins[0] ?? "administrator";
        const base = one(flags, "url") ?? `http://${config.host}:${config.port}`;
        const sig = genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, identifier, expire: 300 });
        const random = Math.floor(Math.random() * 0xffffffff);
        const res = await fetch(
          `${base}/v4/${path}?sdkappid=${app.sdkAppId}&identifier=${encodeURIComponent(identifier)}&usersig=${sig}&random=${random}&contenttype=json`,
          {
            method: "POST",
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(10_000),
          },
        );
        const text = await res.text();
        io.out(`${text}\n`);
        return (JSON.parse(text) as { ErrorCode?: number }).ErrorCode === 0 ? 0 : 1;
      }
      default:
        io.out(HELP.main);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`roomhook ${command}: ${e.message}\n\n${help}`);
      return 2;
    }
    io.err(`roomhook ${command}: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    return 1;
  }
}

const stopped = new Promise<void>((resolve) => {
  process.once("SIGINT", () => {
    resolve();
  });
  process.once("SIGTERM", () => {
    resolve();
  });
});
process.exitCode = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  stopped,
});
process.exit();

#!/usr/bin/env node
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { genUserSig, liveCallbackCommands } from "@roomhook/protocol";
import { listen, parseBeforeRule, parseRewrite } from "./cli-listen.ts";
import { restCall, restOk, RestCallError, type AdminTarget } from "./cli-rest.ts";
import { fixtureOf, parseOverride, readFixture, runFixture, type Fixture } from "./cli-trigger.ts";
import { ConfigError, configKeys, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { resolveAppKeys } from "./secret-key.ts";
import { openStore } from "./server.ts";
import { StartupError } from "./startup-error.ts";

/**
 * The `roomhook` command (commander: one grammar, `--help` on every command, `help <command>`,
 * `--version`). Exit codes: 0 ok, 1 failure, 2 usage.
 */

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopped: Promise<void>;
}

class UsageError extends Error {}

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const int =
  (name: string, min: number, max: number) =>
  (v: string): number => {
    if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(v);
  };
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** The configured app (the first, or --sdkappid) with its key, and the server's local URL. */
async function configured(sdkappid: number | undefined) {
  const config = loadConfig({ argv: [] });
  const apps = await resolveAppKeys(config);
  const app = sdkappid === undefined ? apps[0] : apps.find((a) => a.sdkAppId === sdkappid);
  if (app === undefined)
    throw new Error(`no app ${sdkappid ?? ""} in the configuration (ROOMHOOK_SDKAPPID, ROOMHOOK_CONFIG)`);
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return { config, app, localUrl: `http://${host.includes(":") ? `[${host}]` : host}:${config.port}` };
}

async function target(o: { server?: string; sdkappid?: number; identifier?: string }): Promise<AdminTarget> {
  const { app, localUrl } = await configured(o.sdkappid);
  const base = (o.server ?? localUrl).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(base)) throw new UsageError("--server must be an http(s) URL");
  return {
    base,
    sdkAppId: app.sdkAppId,
    key: app.secretKey,
    identifier: o.identifier ?? app.admins[0] ?? "administrator",
  };
}

/** `--server`, `--sdkappid` and `--identifier`: where and as whom the command calls the REST API. */
function withTarget(c: Command): Command {
  return c
    .option("--server <url>", "the roomhook server (default: this machine's, from ROOMHOOK_HOST/PORT)")
    .addOption(new Option("--url <url>", "the same as --server").hideHelp())
    .option("--sdkappid <n>", "the app (default: the first configured)", int("--sdkappid", 1, 4294967295))
    .option("--identifier <admin>", "the admin to call as (default: the app's first admin)");
}

const time = (ms: unknown) =>
  typeof ms === "number" ? new Date(ms).toISOString().replace(".000Z", "Z") : "";

/** The path `roomhook listen` registers itself at: how a listen knows a callback Url is a listen's. */
const LISTEN_PATH = "/roomhook-listen/callback";

/** Whether a callback Url is a `roomhook listen`'s (its path is LISTEN_PATH). */
function isListenUrl(url: string): boolean {
  return URL.canParse(url) && new URL(url).pathname === LISTEN_PATH;
}

/** How long `listen` trusts the app's callback token it last read before asking the server again. */
const TOKEN_TTL_MS = 1000;

/**
 * The app's callback token as the server has it now (live_config/get_callback_token), when enabled:
 * read at most once a second, so that a token enabled, changed or switched off while `listen` runs
 * is checked from the next callback on. While the server cannot be reached, the last one read stays.
 */
function appToken(t: AdminTarget): () => Promise<string | undefined> {
  let known: string | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<string | undefined> | undefined;
  return () => {
    if (Date.now() - readAt < TOKEN_TTL_MS) return Promise.resolve(known);
    reading ??= restCall(t, "live_config/get_callback_token", {})
      .then(
        (tk) => {
          const r = tk.Response as { Token?: string; IsTokenEnable?: boolean } | undefined;
          if (tk.ErrorCode === 0)
            known = r?.IsTokenEnable === true && typeof r.Token === "string" ? r.Token : undefined;
          else if (tk.ErrorCode === 100302) known = undefined; // no token configured
          readAt = Date.now();
          return known;
        },
        () => known,
      )
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  let code = 0;
  const program = new Command("roomhook")
    .description("roomhook: a Tencent Cloud Live compatible server, and the tools of an App backend")
    .version(VERSION, "-v, --version", "print roomhook's version")
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  program
    .command("serve")
    .description("run the server (what `npm start` runs); every setting: roomhook serve --help")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[settings...]")
    .action(async (settings: string[]) => {
      if (settings.includes("--help") || settings.includes("-h")) {
        io.out(serveHelp());
        return;
      }
      const { serve } = await import("./serve.ts");
      await serve(settings);
      await io.stopped;
    });

  program
    .command("migrate")
    .description("bring the store's schema to this version, then exit (the server also does it at start)")
    .action(async () => {
      const config = loadConfig({ argv: [] });
      const store = await openStore(config, createLogger({ level: "warn" }));
      await store.close();
      io.out(
        `migrations done: ${config.databaseUrl === undefined ? `SQLite in ${config.dataDir}` : "PostgreSQL (DATABASE_URL)"}\n`,
      );
    });

  program
    .command("usersig")
    .description("print a UserSig made with the app's key")
    .requiredOption("--identifier <id>", "the user (or admin) it is for")
    .option("--expire <seconds>", "lifetime in seconds", int("--expire", 1, 10 * 365 * 86400), 86400)
    .option("--sdkappid <n>", "the app (default: the first configured)", int("--sdkappid", 1, 4294967295))
    .action(async (o: { identifier: string; expire: number; sdkappid?: number }) => {
      if (o.identifier === "") throw new UsageError("--identifier must not be empty");
      const { app } = await configured(o.sdkappid);
      io.out(
        `${genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, identifier: o.identifier, expire: o.expire })}\n`,
      );
    });

  withTarget(
    program
      .command("listen")
      .description(
        "run a local App backend that verifies and prints every callback; it points the server's callback configuration at itself and puts the previous one back when it stops",
      )
      .option("--port <n>", "port to listen on (0: any free one)", int("--port", 0, 65535), 9000)
      .option("--host <address>", "address to listen on", "127.0.0.1")
      .option("--events <commands>", "callback commands to switch on, comma-separated (default: every one)")
      .option("--no-register", "leave the server's callback configuration alone")
      .option(
        "--token <token>",
        "check Sign and RequestTime with this token (default: the app's, when enabled)",
      )
      .option("--secret <whsec>", "check the Standard Webhooks signature (repeatable)", collect)
      .option("--forward-to <url>", "also POST each verified callback there, and answer with its answer")
      .option("--json", "print each callback as JSON")
      .option(
        "--before <rule>",
        "answer before-callbacks: allow, refuse[:CODE] or refuse-matching:REGEX[:CODE]",
      )
      .option("--rewrite <FROM=TO>", "answer an allowed message rewritten (regular expression FROM)"),
  ).action(
    async (o: {
      port: number;
      host: string;
      events?: string;
      register: boolean;
      token?: string;
      secret?: string[];
      forwardTo?: string;
      json?: boolean;
      before?: string;
      rewrite?: string;
      server?: string;
      url?: string;
      sdkappid?: number;
      identifier?: string;
    }) => {
      const rewrite = o.rewrite === undefined ? undefined : parseRewrite(o.rewrite);
      if (typeof rewrite === "string") throw new UsageError(rewrite);
      const before = o.before === undefined ? undefined : parseBeforeRule(o.before);
      if (typeof before === "string") throw new UsageError(before);
      if (o.forwardTo !== undefined && !/^https?:\/\//.test(o.forwardTo))
        throw new UsageError("--forward-to must be an http(s) URL");
      const events =
        o.events === undefined ? [...liveCallbackCommands] : o.events.split(",").map((e) => e.trim());
      const unknown = events.filter((e) => !(liveCallbackCommands as readonly string[]).includes(e));
      if (unknown.length > 0)
        throw new UsageError(`--events: unknown callback command ${unknown.join(", ")}`);
      const t = await target(targetOf(o));
      const registering = o.register;
      const token = o.token ?? appToken(t);
      let previous: { Url: string; CallbackCommandList: string[] } | undefined;
      let existed = false;
      let reachable = registering;
      if (registering) {
        try {
          const got = await restCall(t, "live_config/get_callback", {});
          const r = got.Response as
            { Url: string; CallbackCommandList: string[]; DisabledReason?: string } | undefined;
          if (got.ErrorCode === 0 && r !== undefined) {
            existed = true;
            if (isListenUrl(r.Url))
              io.out(
                `roomhook listen: the callback Url ${r.Url} is another roomhook listen's (running, or stopped without putting its configuration back); when this one stops, the configuration is removed\n`,
              );
            else if (r.DisabledReason !== undefined)
              // Putting it back would enable it again (update_callback does): deliveries would go to a
              // receiver that said it is gone, and its next 410 would end every pending one.
              io.out(
                `roomhook listen: the callback configuration (Url ${r.Url}) is disabled (${r.DisabledReason}); when this one stops, the configuration is removed, not enabled again: set it with live_config/set_callback when that receiver is back\n`,
              );
            else previous = { Url: r.Url, CallbackCommandList: r.CallbackCommandList };
          }
        } catch (err) {
          if (!(err instanceof RestCallError)) throw err;
          reachable = false;
          io.out(`roomhook listen: not registered: ${err.message}\n`);
        }
      }
      const checksSign = typeof token === "string" || (await token()) !== undefined;
      const secrets = o.secret ?? [];
      const server = await listen({
        host: o.host,
        port: o.port,
        sdkAppId: t.sdkAppId,
        token,
        secrets,
        ...(o.forwardTo === undefined ? {} : { forwardTo: o.forwardTo }),
        json: o.json === true,
        out: io.out,
        ...(before === undefined ? {} : { before }),
        ...(rewrite === undefined ? {} : { rewrite }),
      });
      io.out(
        `roomhook listen: listening on ${server.url} for SdkAppid ${t.sdkAppId}` +
          `${checksSign ? ", checking Sign" : ", checking Sign once the app's callback token is enabled"}${secrets.length > 0 ? ", checking webhook signatures" : ""}` +
          `${o.forwardTo === undefined ? "" : `, forwarding to ${o.forwardTo}`}\n`,
      );
      let registered = false;
      const ownUrl = `${server.url}${LISTEN_PATH}`;
      if (reachable) {
        const env = await restCall(t, `live_config/${existed ? "update_callback" : "set_callback"}`, {
          Url: ownUrl,
          CallbackCommandList: events,
        });
        if (env.ErrorCode === 0) {
          registered = true;
          io.out(
            `registered with ${t.base}: ${events.length === liveCallbackCommands.length ? "every callback" : events.join(", ")} comes here` +
              `${previous === undefined ? "" : ` (the previous Url ${previous.Url} comes back when this stops)`}\n`,
          );
        } else io.out(`roomhook listen: not registered: ${env.ErrorCode} ${env.ErrorInfo}\n`);
      } else io.out(`point the server at it: live_config/set_callback {"Url":"${ownUrl}", ...}\n`);
      await io.stopped;
      await server.close();
      // Only a configuration that is still this listen's is put back: another listen, or a person,
      // may have changed it since.
      const now = registered
        ? await restCall(t, "live_config/get_callback", {}).catch(() => undefined)
        : undefined;
      const current = (now?.Response as { Url?: string } | undefined)?.Url;
      if (registered && current !== ownUrl) {
        registered = false;
        io.out(
          now === undefined
            ? `could not put the previous callback configuration back: the server does not answer; its callback Url is still ${ownUrl}\n`
            : `the callback configuration changed since this registered (its Url is now ${current ?? "unset"}): left as it is\n`,
        );
      }
      if (registered) {
        const env =
          previous === undefined
            ? await restCall(t, "live_config/delete_callback", {})
            : await restCall(t, "live_config/update_callback", previous);
        io.out(
          env.ErrorCode === 0
            ? `${previous === undefined ? "removed the callback configuration" : `put the previous callback configuration back (${previous.Url})`}\n`
            : `could not put the previous callback configuration back: ${env.ErrorCode} ${env.ErrorInfo}\n`,
        );
      }
    },
  );

  withTarget(
    program
      .command("trigger")
      .description(
        "make the server send a callback: a callback command (e.g. Live.CallbackAfterChangeOwner), a scenario, or --fixture FILE",
      )
      .argument("[what]", "a callback command or a scenario (roomhook help trigger lists them)")
      .option("--room <id>", "the room (default: a new one, trigger-<random>)")
      .option("--room2 <id>", "the second room of a battle (default: a new one)")
      .option("--owner <user>", "the room's owner when it is created", "alice")
      .option("--to <user>", "owner-change: the new owner (--user does the same)")
      .option("--user <user>", "the other user (new owner, admin, robot, gift sender)")
      .option("--seats <n>", "create-room: seats", int("--seats", 1, 16))
      .option("--name <name>", "update-room: the new name")
      .option("--key <key>", "set-metadata, delete-metadata: the key")
      .option("--value <value>", "set-metadata: the value")
      .option("--index <n>", "lock-seat: the seat", int("--index", 0, 15))
      .option("--unlock", "lock-seat: unlock instead")
      .option(
        "--override <Field=value>",
        "set a field of the last request's body (dotted path; repeatable)",
        collect,
      )
      .option("--fixture <file>", "run the REST calls of a fixture file instead")
      .addHelpText("after", triggerHelp()),
  ).action(
    async (
      what: string | undefined,
      o: {
        room?: string;
        room2?: string;
        owner: string;
        to?: string;
        user?: string;
        seats?: number;
        name?: string;
        key?: string;
        value?: string;
        index?: number;
        unlock?: boolean;
        override?: string[];
        fixture?: string;
        server?: string;
        url?: string;
        sdkappid?: number;
        identifier?: string;
      },
    ) => {
      const overrides = (o.override ?? []).map((text) => {
        const p = parseOverride(text);
        if (typeof p === "string") throw new UsageError(p);
        return p;
      });
      if (o.to !== undefined && o.user !== undefined && o.to !== o.user)
        throw new UsageError("--to and --user both name the new owner: give one");
      if (o.fixture !== undefined && what !== undefined)
        throw new UsageError(`trigger ${what} or --fixture ${o.fixture}: not both`);
      const suffix = Math.random().toString(36).slice(2, 8);
      let fixture: Fixture;
      if (o.fixture !== undefined) fixture = readFixture(o.fixture);
      else if (what === undefined)
        throw new UsageError("trigger what? a callback command, a scenario or --fixture FILE");
      else if (what.includes(".")) {
        try {
          fixture = fixtureOf(what);
        } catch (e) {
          // A command trigger does not know, or cannot cause: a usage error (exit 2), with the reason.
          throw new UsageError((e as Error).message);
        }
      } else fixture = scenario(what, o);
      const t = await target(targetOf(o));
      const vars = {
        room: o.room ?? `trigger-${suffix}`,
        room2: o.room2 ?? `trigger-${suffix}-b`,
        owner: o.owner,
        user: o.user ?? o.to ?? `user-${suffix}`,
      };
      const many = fixture.steps.length > 1;
      const done = await runFixture(t, fixture, vars, overrides, (path, _body, env, tolerated) => {
        // A tolerated failure (the room exists already) is said to be one, not left to look fatal.
        const note = tolerated ? `  (tolerated: ${env.ErrorCode})` : "";
        io.out(many ? `${path}: ${JSON.stringify(env)}${note}\n` : `${JSON.stringify(env)}${note}\n`);
      });
      code = done ? 0 : 1;
    },
  );

  const deliveries = program.command("deliveries").description("the delivery log: list, show, resend");
  withTarget(
    deliveries
      .command("list")
      .description("deliveries, newest first")
      .option("--status <state>", "pending, delivered or dead")
      .option("--room <id>", "of one room")
      .option("--command <callback>", "of one callback command")
      .option("--limit <n>", "how many", int("--limit", 1, 100), 20)
      .option("--json", "print the answer as JSON"),
  ).action(
    async (
      o: { status?: string; room?: string; command?: string; limit: number; json?: boolean } & TargetOpts,
    ) => {
      const r = await restOk(await target(targetOf(o)), "roomhook_delivery/get_delivery_list", {
        Limit: o.limit,
        ...(o.status === undefined ? {} : { State: o.status }),
        ...(o.room === undefined ? {} : { RoomId: o.room }),
        ...(o.command === undefined ? {} : { CallbackCommand: o.command }),
      });
      if (o.json === true) {
        io.out(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      const list = r.DeliveryList as Record<string, unknown>[];
      if (list.length === 0) io.out("no deliveries\n");
      for (const d of list)
        io.out(
          `${String(d.DeliveryId).padStart(6)}  ${String(d.State).padEnd(9)} ${String(d.Attempts).padStart(2)} tries  ${time(d.CreateTime)}  ${String(d.CallbackCommand)}  room ${String(d.RoomId)}${typeof d.LastError === "string" ? `  (${d.LastError})` : ""}\n`,
        );
    },
  );
  withTarget(
    deliveries
      .command("show")
      .description("one delivery with every attempt")
      .argument("<id>", "the DeliveryId", int("id", 1, Number.MAX_SAFE_INTEGER)),
  ).action(async (id: number, o: TargetOpts) => {
    const r = await restOk(await target(targetOf(o)), "roomhook_delivery/get_delivery", { DeliveryId: id });
    io.out(`${JSON.stringify(r, null, 2)}\n`);
  });
  withTarget(
    deliveries
      .command("resend")
      .description("deliver again: one delivery by id, or every dead one with --dead")
      .argument("[id]", "the DeliveryId", int("id", 1, Number.MAX_SAFE_INTEGER))
      .option("--dead", "every dead delivery of the last 30 days"),
  ).action(async (id: number | undefined, o: { dead?: boolean } & TargetOpts) => {
    const t = await target(targetOf(o));
    if (id !== undefined && o.dead !== true) {
      await restOk(t, "roomhook_delivery/redeliver", { DeliveryId: id });
      io.out(`delivery ${id} is pending again\n`);
    } else if (id === undefined && o.dead === true) {
      const now = Date.now();
      const r = await restOk(t, "roomhook_delivery/redeliver_dead", {
        StartTime: now - 30 * 86400_000,
        EndTime: now,
      });
      io.out(`${JSON.stringify(r)}\n`);
    } else throw new UsageError("give a DeliveryId or --dead");
  });

  const rooms = program.command("rooms").description("rooms: list, show");
  withTarget(
    rooms
      .command("list")
      .description("rooms whose id contains TEXT (every room without it)")
      .argument("[text]", "part of the room id")
      .option("--limit <n>", "how many", int("--limit", 1, 100), 20),
  ).action(async (text: string | undefined, o: { limit: number } & TargetOpts) => {
    const r = await restOk(await target(targetOf(o)), "roomhook_room/search_rooms", {
      Text: text ?? "",
      Limit: o.limit,
    });
    const list = r.RoomList as Record<string, unknown>[];
    if (list.length === 0) io.out("no rooms\n");
    for (const room of list)
      io.out(`${String(room.RoomId)}  owner ${String(room.Owner_Account)}  ${String(room.RoomType)}\n`);
  });
  withTarget(
    rooms.command("show").description("a room: its information and owner history").argument("<room>"),
  ).action(async (roomId: string, o: TargetOpts) => {
    const t = await target(targetOf(o));
    const info = await restOk(t, "live_engine_http_srv/get_room_info", { RoomId: roomId });
    const history = await restOk(t, "roomhook_room/get_room_events", {
      RoomId: roomId,
      CallbackCommand: "Live.CallbackAfterChangeOwner",
    });
    io.out(`${JSON.stringify(info.RoomInfo, null, 2)}\nowner history:\n`);
    const list = history.EventList as {
      Time: number;
      Operator_Account: string;
      OptPlatform: string;
      Packet: Record<string, unknown>;
    }[];
    if (list.length === 0) io.out("  (no owner change)\n");
    for (const e of list)
      io.out(
        `  ${time(e.Time)}  ${String(e.Packet.OriginalOwner_Account)} -> ${String(e.Packet.CurrentOwner_Account)}  by ${e.Operator_Account} (${e.OptPlatform})\n`,
      );
  });

  const logs = program.command("logs").description("what the server does, as it happens");
  withTarget(
    logs
      .command("tail")
      .description(
        "REST calls, room events and delivery attempts as they happen (polls every second; Ctrl-C stops)",
      )
      .option("--json", "one JSON object per line"),
  ).action(async (o: { json?: boolean } & TargetOpts) => {
    const t = await target(targetOf(o));
    const first = await restOk(t, "roomhook_room/get_event_feed", { Limit: 1 });
    let afterId = Number(first.LastId ?? 0);
    const firstCalls = await restOk(t, "roomhook_log/get_call_feed", { Limit: 1 });
    let callsAfter = Number(firstCalls.LastId ?? 0);
    // Times are the server's (its clock, not this machine's): go on from the newest attempt it has.
    // Every attempt of the minute the polls look back over counts as seen: the tail starts now.
    const newest = await restOk(t, "roomhook_delivery/get_attempt_feed", { Limit: 1 });
    const seen = new Set<string>();
    let attemptsFrom = Number((newest.AttemptList as Record<string, unknown>[])[0]?.Time ?? 0);
    if (attemptsFrom > 0) {
      const recent = await restOk(t, "roomhook_delivery/get_attempt_feed", {
        StartTime: Math.max(0, attemptsFrom - 60_000),
        Limit: 100,
      });
      for (const a of recent.AttemptList as Record<string, unknown>[])
        seen.add(`${String(a.DeliveryId)}.${String(a.Attempt)}`);
    }
    io.out(`tailing ${t.base} for SdkAppid ${t.sdkAppId} (Ctrl-C stops)\n`);
    const state = { stop: false };
    void io.stopped.then(() => (state.stop = true));
    while (!state.stop) {
      const calls = await restOk(t, "roomhook_log/get_call_feed", { AfterId: callsAfter, Limit: 100 });
      for (const c of calls.CallList as Record<string, unknown>[]) {
        const refused = c.ErrorCode === 0 ? "" : `  ${String(c.ErrorInfo)}`;
        io.out(
          o.json === true
            ? `${JSON.stringify({ kind: "call", ...c })}\n`
            : `${time(c.Time)}  call     ${String(c.Service)}/${String(c.Command)}  by ${typeof c.Operator_Account === "string" ? c.Operator_Account : "-"}  ErrorCode ${String(c.ErrorCode)}${refused}  ${String(c.DurationMs)} ms\n`,
        );
      }
      callsAfter = Number(calls.LastId);
      const ev = await restOk(t, "roomhook_room/get_event_feed", { AfterId: afterId, Limit: 100 });
      for (const e of ev.EventList as Record<string, unknown>[]) {
        io.out(
          o.json === true
            ? `${JSON.stringify({ kind: "event", ...e })}\n`
            : `${time(e.Time)}  event    ${String(e.CallbackCommand)}  room ${String(e.RoomId)} seq ${String(e.Sequence)}  by ${String(e.Operator_Account)}\n`,
        );
      }
      afterId = Number(ev.LastId);
      const at = await restOk(t, "roomhook_delivery/get_attempt_feed", {
        StartTime: Math.max(0, attemptsFrom - 60_000),
        Limit: 100,
      });
      const fresh = (at.AttemptList as Record<string, unknown>[])
        .filter((a) => !seen.has(`${String(a.DeliveryId)}.${String(a.Attempt)}`))
        .reverse();
      for (const a of fresh) {
        seen.add(`${String(a.DeliveryId)}.${String(a.Attempt)}`);
        attemptsFrom = Math.max(attemptsFrom, Number(a.Time));
        io.out(
          o.json === true
            ? `${JSON.stringify({ kind: "attempt", ...a })}\n`
            : `${time(a.Time)}  attempt  ${String(a.CallbackCommand)}  room ${String(a.RoomId)} seq ${String(a.Sequence)}  #${String(a.Attempt)} ${typeof a.HttpStatus === "number" ? `HTTP ${a.HttpStatus}` : String(a.Error)} ${String(a.DurationMs)} ms  -> ${String(a.State)}\n`,
        );
      }
      await Promise.race([io.stopped, new Promise((r) => setTimeout(r, 1000))]);
    }
  });

  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      // No command at all: the help went out; a usage error otherwise (the message went out too).
      return e.exitCode === 0 ? 0 : 2;
    }
    const [first = "", second = ""] = argv;
    const name = ["deliveries", "rooms", "logs"].includes(first) ? `${first} ${second}` : first;
    if (e instanceof UsageError) {
      io.err(`roomhook ${name}: ${e.message}\n(add --help for usage)\n`);
      return 2;
    }
    const message =
      e instanceof ConfigError || e instanceof StartupError || e instanceof RestCallError
        ? e.message
        : (e as Error).message;
    io.err(`roomhook ${name}: ${message}\n`);
    return 1;
  }
}

type TargetOpts = { server?: string; url?: string; sdkappid?: number; identifier?: string };
const targetOf = (o: TargetOpts) => ({
  ...o,
  ...(o.server === undefined && o.url !== undefined ? { server: o.url } : {}),
});

/** The named scenarios of earlier versions, each one REST call on an existing (or new) room. */
function scenario(
  what: string,
  o: {
    room?: string;
    owner: string;
    to?: string;
    user?: string;
    seats?: number;
    name?: string;
    key?: string;
    value?: string;
    index?: number;
    unlock?: boolean;
  },
): Fixture {
  // A name that is no scenario is told so before its flags are asked for.
  if (!SCENARIOS.includes(what)) throw notAScenario(what);
  if (o.room === undefined) throw new UsageError(`--room is required for ${what}`);
  const need = <T>(v: T | undefined, flag: string): T => {
    if (v === undefined) throw new UsageError(`--${flag} is required for ${what}`);
    return v;
  };
  const srv = "live_engine_http_srv";
  const room = o.room;
  const one = (path: string, body: Record<string, unknown>): Fixture => ({
    description: what,
    steps: [{ path, body }],
  });
  switch (what) {
    case "create-room":
      return one(`${srv}/create_room`, {
        RoomInfo: {
          RoomId: room,
          RoomType: "Live",
          Owner_Account: o.owner,
          ...(o.seats === undefined ? {} : { SeatTemplate: "AudioSalon", MaxSeatCount: o.seats }),
        },
      });
    case "update-room":
      return one(`${srv}/update_room_info`, { RoomInfo: { RoomId: room, RoomName: need(o.name, "name") } });
    case "owner-change":
      // --user names the new owner for the callback-command form too: either is taken here.
      return one(`${srv}/change_room_owner`, {
        RoomId: room,
        NewOwner_Account: need(o.to ?? o.user, "to (or --user)"),
      });
    case "set-admin":
      return one(`${srv}/modify_admin`, {
        RoomId: room,
        Admin_Account: [need(o.user, "user")],
        OpType: "add",
      });
    case "set-metadata":
      return one(`${srv}/set_room_metadata`, {
        RoomId: room,
        Metadata: [{ Key: need(o.key, "key"), Value: need(o.value, "value") }],
      });
    case "delete-metadata":
      return one(`${srv}/del_room_metadata`, { RoomId: room, Keys: [need(o.key, "key")] });
    case "add-robot":
      return one(`${srv}/add_robot`, { RoomId: room, RobotList_Account: [need(o.user, "user")] });
    case "remove-robot":
      return one(`${srv}/del_robot`, { RoomId: room, RobotList_Account: [need(o.user, "user")] });
    case "lock-seat":
      return one("room_engine_http_mic/lock_seat", {
        RoomId: room,
        Index: need(o.index, "index"),
        ForbidTaken: o.unlock !== true,
      });
    case "destroy-room":
      return one(`${srv}/destroy_room`, { RoomId: room });
    default:
      throw notAScenario(what);
  }
}

function notAScenario(what: string): UsageError {
  return new UsageError(
    `trigger what? a callback command (Live.CallbackAfterChangeOwner, …) or one of ${SCENARIOS.join(", ")} (got ${what})`,
  );
}

const SCENARIOS = [
  "create-room",
  "update-room",
  "owner-change",
  "set-admin",
  "set-metadata",
  "delete-metadata",
  "add-robot",
  "remove-robot",
  "lock-seat",
  "destroy-room",
];

function triggerHelp(): string {
  return `
A callback command runs its fixture: the REST calls that make the server send it, creating the room
when needed (--room, default a new one). Callback commands:
${liveCallbackCommands.map((c) => `  ${c}`).join("\n")}
Scenarios (one REST call on --room): ${SCENARIOS.join(", ")}.
A fixture file: {"description": "…", "steps": [{"path": "live_engine_http_srv/create_room",
"body": {…}, "tolerate": [100010]}, …]}; {{room}}, {{room2}}, {{owner}}, {{user}} are replaced.
Each answer is printed; exit 1 when one is FAIL (and not tolerated).
`;
}

/** `roomhook serve --help`: every setting, from the config schema that also makes docs/config.md. */
export function serveHelp(): string {
  const wrap = (text: string): string => {
    const lines = [""];
    for (const word of text.split(" ")) {
      const last = lines.length - 1;
      const line = lines[last] ?? "";
      if (line !== "" && line.length + word.length >= 94) lines.push(word);
      else lines[last] = line === "" ? word : `${line} ${word}`;
    }
    return lines.map((l) => `      ${l}`).join("\n");
  };
  const rows = configKeys.map((k) => {
    const names = [k.key, k.flag === "" ? "" : `${k.flag} <value>`, k.env].filter((n) => n !== "");
    return `  ${names.join(", ")} (default ${k.default})\n${wrap(k.doc)}`;
  });
  return `Usage: roomhook serve [settings]

Runs the server. Every setting is a flag, an environment variable, or a key of the JSON file named by
ROOMHOOK_CONFIG (flags win over variables, variables over the file; the file's JSON Schema is
docs/config.schema.json). Each below: its key in the file, its flag, its variable (default):

${rows.join("\n")}
`;
}

/** The `roomhook` command of this process: runs it and exits with its code (serve exits by itself). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", () => {
      resolve();
    });
    process.once("SIGTERM", () => {
      resolve();
    });
  });
  const code = await runCli(argv, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    stopped,
  });
  process.exitCode = code;
  process.exit();
}

// Run directly (`node cli.ts`, `npm run roomhook`), not when imported (the bin, a test).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1]))
  await main();

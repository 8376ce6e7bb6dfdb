import { genUserSig } from "@roomhook/protocol";
import { withoutPassword } from "./startup-error.ts";

/** What `npm start` prints: where the server is, which app, and a REST call to copy and paste. */
export function startBanner(opts: {
  url: string;
  apps: { sdkAppId: number; secretKey: string; admins: string[] }[];
  /** Where the data is: the SQLite data directory, or the PostgreSQL database. */
  storage: string;
  nowSec: number;
  /**
   * Print a 7-day admin UserSig in the commands and the console link (default true). Off, the
   * commands make one with `npx roomhook usersig` when pasted, and the console asks to sign in: what
   * goes to a log file or journal then holds no credential.
   */
  withUserSig?: boolean;
  /** What a pasted `npx roomhook` command needs to find this server's app and key (cliSettings). */
  cli?: { prefix: string; needs: string[] };
}): string {
  const lines = [`roomhook is listening on ${opts.url}`, opts.storage];
  const cli = `${opts.cli?.prefix ?? ""}npx roomhook`;
  const needs = opts.cli?.needs ?? [];
  if (needs.length > 0)
    lines.push(`(\`npx roomhook usersig\` below needs ${needs.join(" and ")} set as for this server)`);
  for (const app of opts.apps) {
    const admin = app.admins[0] ?? "administrator";
    const one = opts.apps.length > 1 ? ` --sdkappid ${app.sdkAppId}` : "";
    if (opts.withUserSig === false) {
      const q = `sdkappid=${app.sdkAppId}&identifier=${encodeURIComponent(admin)}&usersig=$SIG&random=$RANDOM&contenttype=json`;
      lines.push(
        "",
        `SDKAppID: ${app.sdkAppId}    admin identifier: ${app.admins.join(", ")}`,
        `Create a room, then change its owner:`,
        `  SIG=$(${cli} usersig --identifier ${shellWord(admin)}${one})`,
        `  curl -s "${opts.url}/v4/live_engine_http_srv/create_room?${q}" -d '{"RoomInfo":{"RoomId":"banner-1","RoomType":"Live","Owner_Account":"alice"}}'`,
        `  curl -s "${opts.url}/v4/live_engine_http_srv/change_room_owner?${q}" -d '{"RoomId":"banner-1","NewOwner_Account":"bob"}'`,
        `Console: ${opts.url}/console/ (sign in with ${admin} and the UserSig of \`${cli} usersig --identifier ${shellWord(admin)}${one}\`)`,
      );
      continue;
    }
    const sig = genUserSig({
      sdkAppId: app.sdkAppId,
      key: app.secretKey,
      identifier: admin,
      expire: 7 * 86400,
      time: opts.nowSec,
    });
    const q = `sdkappid=${app.sdkAppId}&identifier=${encodeURIComponent(admin)}&usersig=${sig}&random=$RANDOM&contenttype=json`;
    lines.push(
      "",
      `SDKAppID: ${app.sdkAppId}    admin identifier: ${app.admins.join(", ")}`,
      `Create a room (this admin UserSig is valid for 7 days; make others with \`${cli} usersig --identifier ${shellWord(admin)}${one}\`):`,
      `  curl -s "${opts.url}/v4/live_engine_http_srv/create_room?${q}" -d '{"RoomInfo":{"RoomId":"banner-1","RoomType":"Live","Owner_Account":"alice"}}'`,
      `Change its owner:`,
      `  curl -s "${opts.url}/v4/live_engine_http_srv/change_room_owner?${q}" -d '{"RoomId":"banner-1","NewOwner_Account":"bob"}'`,
      `Console: ${consoleLink({ url: opts.url, sdkAppId: app.sdkAppId, identifier: admin, userSig: sig })}`,
    );
  }
  return lines.join("\n");
}

/**
 * What a command pasted from the banner into another shell needs to find this server's app and key
 * (`npx roomhook usersig` reads them as the server does). `prefix`: the config file, the data
 * directory (always: the default `./data` is relative to the server's working directory) and a
 * non-default SDKAppID, as variables in front of the command, paths absolute and quoted for sh.
 * `needs`: what must be set as for the server and is never printed (ROOMHOOK_SECRET_KEY, DATABASE_URL:
 * with PostgreSQL the generated key is in the database).
 */
export function cliSettings(
  config: {
    dataDir: string;
    configFile: string | undefined;
    databaseUrl: string | undefined;
    apps: readonly { sdkAppId: number }[];
    appsFromEnvironment: boolean;
  },
  env: Record<string, string | undefined>,
): { prefix: string; needs: string[] } {
  const vars: string[] = [];
  if (config.configFile !== undefined) vars.push(`ROOMHOOK_CONFIG=${shellWord(config.configFile)}`);
  if (config.databaseUrl === undefined) vars.push(`ROOMHOOK_DATA=${shellWord(config.dataDir)}`);
  const single = config.apps[0]?.sdkAppId;
  if (config.appsFromEnvironment && single !== undefined && single !== DEFAULT_SDKAPPID)
    vars.push(`ROOMHOOK_SDKAPPID=${single}`);
  const needs: string[] = [];
  if (config.appsFromEnvironment && (env.ROOMHOOK_SECRET_KEY ?? "") !== "") needs.push("ROOMHOOK_SECRET_KEY");
  else if (config.databaseUrl !== undefined) needs.push("DATABASE_URL");
  return { prefix: vars.map((v) => `${v} `).join(""), needs };
}

/** The SDKAppID of `npm start` with no settings (docs/config.md). */
const DEFAULT_SDKAPPID = 1400000000;

/** A word for sh: as it is when it holds nothing special, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The console's sign-in link: the UserSig is in the fragment, which a browser never sends to a server
 * (so it reaches no access log, proxy or Referer); the page reads it and removes it from the address bar.
 */
export function consoleLink(opts: {
  url: string;
  sdkAppId: number;
  identifier: string;
  userSig: string;
}): string {
  const fragment = new URLSearchParams({
    sdkappid: String(opts.sdkAppId),
    identifier: opts.identifier,
    usersig: opts.userSig,
  });
  return `${opts.url}/console/#${fragment.toString()}`;
}

/** The banner's storage line; a database password is never printed. */
export function storageLine(config: {
  dataDir: string;
  databaseUrl: string | undefined;
  nodeId: string;
}): string {
  if (config.databaseUrl === undefined) return `data directory: ${config.dataDir}`;
  return `database: ${withoutPassword(config.databaseUrl)} (PostgreSQL; this process is node ${config.nodeId})`;
}

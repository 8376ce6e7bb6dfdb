import { startApp } from "./app.ts";

/**
 * Configuration from the environment, with the values of roomhook's `npm start` as defaults. A bad
 * setting or a failed start is one line naming what to change, never a stack trace.
 */
const env = process.env;
/** One line, then exit: 2 for a bad setting, 1 for a start that failed. */
function fail(line: string, code = 1): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}
const port = Number(env.PORT ?? "9100");
if (!/^\d{1,5}$/.test(env.PORT ?? "9100") || port > 65535)
  fail(`PORT: must be a TCP port from 0 to 65535, got "${env.PORT ?? ""}"`, 2);
const sdkAppId = Number(env.SDKAPPID ?? "1400000000");
if (!/^[1-9]\d{0,15}$/.test(env.SDKAPPID ?? "1400000000"))
  fail(`SDKAPPID: must be a positive whole number, got "${env.SDKAPPID ?? ""}"`, 2);
if ((env.ROOMHOOK_URL === undefined) !== (env.SECRET_KEY === undefined))
  fail("ROOMHOOK_URL and SECRET_KEY: set both (the catch-up query) or neither", 2);
const app = await startApp({
  port,
  dbPath: env.APP_DB ?? "./app-backend.db",
  sdkAppId,
  ...(env.CALLBACK_TOKEN === undefined ? {} : { token: env.CALLBACK_TOKEN }),
  secrets: env.SIGNING_SECRETS === undefined ? [] : env.SIGNING_SECRETS.split(","),
  ...(env.ROOMHOOK_URL === undefined || env.SECRET_KEY === undefined
    ? {}
    : { server: { url: env.ROOMHOOK_URL, secretKey: env.SECRET_KEY, admin: env.ADMIN ?? "administrator" } }),
}).catch((e: unknown) => {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === "EADDRINUSE")
    fail(`port ${port} is in use: set PORT to another one (PORT=0 picks a free one)`);
  if (code === "SQLITE_CANTOPEN" || /database|directory/i.test(message))
    fail(`APP_DB: cannot open ${env.APP_DB ?? "./app-backend.db"} (${message})`);
  if (env.ROOMHOOK_URL !== undefined)
    fail(`cannot catch up from ROOMHOOK_URL ${env.ROOMHOOK_URL} (check it and SECRET_KEY): ${message}`);
  fail(`cannot start the app backend: ${message}`);
});
process.stdout.write(
  `app backend listening on ${app.url}: callbacks at ${app.url}/callback, history at ${app.url}/rooms/<id>/owners\n`,
);
const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

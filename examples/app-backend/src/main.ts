import { startApp } from "./app.ts";

// Configuration from the environment, with the values of roomhook's `npm start` as defaults.
const env = process.env;
const app = await startApp({
  port: Number(env.PORT ?? "9100"),
  dbPath: env.APP_DB ?? "./app-backend.db",
  sdkAppId: Number(env.SDKAPPID ?? "1400000000"),
  ...(env.CALLBACK_TOKEN === undefined ? {} : { token: env.CALLBACK_TOKEN }),
  secrets: env.SIGNING_SECRETS === undefined ? [] : env.SIGNING_SECRETS.split(","),
  ...(env.ROOMHOOK_URL === undefined || env.SECRET_KEY === undefined
    ? {}
    : { server: { url: env.ROOMHOOK_URL, secretKey: env.SECRET_KEY, admin: env.ADMIN ?? "administrator" } }),
});
process.stdout.write(
  `app backend listening on ${app.url}: callbacks at ${app.url}/callback, history at ${app.url}/rooms/<id>/owners\n`,
);
const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

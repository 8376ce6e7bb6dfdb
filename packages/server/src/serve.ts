import { ConfigError, loadConfig } from "./config.ts";
import { StartupError, reasonOf } from "./startup-error.ts";
import { createLogger } from "./logger.ts";
import { resolveAppKeys } from "./secret-key.ts";
import { createServer } from "./server.ts";
import { cliSettings, startBanner, storageLine } from "./banner.ts";

/**
 * `roomhook serve` and `npm start`: the server with the configuration from `argv` (flags), the
 * environment and `ROOMHOOK_CONFIG`; on its embedded default, SQLite in ./data. Runs until SIGINT or
 * SIGTERM, then stops normally and exits 0. A configuration error exits 2, a start-up error 1, each
 * with one line on standard error naming the setting to change.
 */
export async function serve(argv: string[]): Promise<void> {
  try {
    await start(argv);
  } catch (err) {
    const why = err instanceof StartupError ? err.message : `failed to start: ${reasonOf(err)}`;
    process.stderr.write(`roomhook: ${why}\n`);
    process.exit(1);
  }
}

async function start(argv: string[]): Promise<void> {
  let config;
  try {
    config = loadConfig({ argv });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`roomhook: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger({ level: config.logLevel });
  const apps = await resolveAppKeys(config);
  const server = await createServer({ config, apps, logger });
  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    await server.close().catch(() => undefined);
    throw listenError(err, config.host, config.port);
  }
  process.stdout.write(
    `${startBanner({
      url,
      apps,
      storage: storageLine(config),
      nowSec: Math.floor(Date.now() / 1000),
      cli: cliSettings(config, process.env),
      withUserSig:
        config.bannerUserSig === "always" ||
        (config.bannerUserSig === "auto" && (process.stdout as { isTTY?: boolean }).isTTY === true),
    })}\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing the callbacks in flight");
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => {
    stop("SIGINT");
  });
  process.on("SIGTERM", () => {
    stop("SIGTERM");
  });
}

/** Why the server could not listen, naming the setting to change. */
function listenError(err: unknown, host: string, port: number): Error {
  const code = (err as { code?: unknown }).code;
  if (code === "EADDRINUSE")
    return new StartupError(
      `port ${port} on ${host} is in use (another roomhook?): stop what listens there, or set ROOMHOOK_PORT (or --port; 0 picks a free one)`,
    );
  if (code === "EACCES")
    return new StartupError(
      `not allowed to listen on port ${port}: ports below 1024 need privileges; set ROOMHOOK_PORT (or --port)`,
    );
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new StartupError(
      `cannot listen on ${host}: no such address on this machine; set ROOMHOOK_HOST (or --host), e.g. 127.0.0.1 or 0.0.0.0`,
    );
  return err instanceof Error ? err : new Error(String(err));
}

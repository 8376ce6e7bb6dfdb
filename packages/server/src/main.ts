import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { resolveAppKeys } from "./secret-key.ts";
import { createServer } from "./server.ts";
import { startBanner, storageLine } from "./banner.ts";

/** `npm start`: the server on its embedded default, SQLite in ./data. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ argv: process.argv.slice(2) });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`roomhook: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger({ level: config.logLevel, destination: process.stderr });
  const apps = await resolveAppKeys(config);
  const server = await createServer({ config, apps, logger });
  const url = await server.listen();
  process.stdout.write(
    `${startBanner({ url, apps, storage: storageLine(config), nowSec: Math.floor(Date.now() / 1000) })}\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
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

main().catch((err: unknown) => {
  process.stderr.write(`roomhook: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

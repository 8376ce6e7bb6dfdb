export { createServer } from "./server.ts";
export type { RoomhookServer, ServerOptions } from "./server.ts";
export { loadConfig, ConfigError, configKeys, tencentRateLimits } from "./config.ts";
export type { Config, AppConfig } from "./config.ts";
export { openSqliteStore } from "./store/sqlite-store.ts";
export type { Store, StoreTx, StoredRoomEvent } from "./store/store.ts";
export { createLogger } from "./logger.ts";
export type { Clock } from "./clock.ts";

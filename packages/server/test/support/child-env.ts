/**
 * The environment of a process a test starts (a server, the CLI, an example): this process's, without
 * anything that would point it at a developer's own setup: roomhook's settings (ROOMHOOK_*, except the
 * test suite's own ROOMHOOK_TEST_*), DATABASE_URL (a developer's PostgreSQL, as docs/deploy.md has
 * one export it), and the example App backends' settings. What the test needs goes in `env`.
 */
export function childEnv(env: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k.startsWith("ROOMHOOK_") && !k.startsWith("ROOMHOOK_TEST_")) continue;
    if (DROPPED.has(k)) continue;
    out[k] = v;
  }
  return { ...out, ...env };
}

/** Settings of the server (DATABASE_URL) and of the examples (examples/app-backend/README.md). */
const DROPPED = new Set([
  "DATABASE_URL",
  "SECRET_KEY",
  "SIGNING_SECRETS",
  "CALLBACK_TOKEN",
  "ADMIN",
  "APP_DB",
  "SDKAPPID",
  "PORT",
]);

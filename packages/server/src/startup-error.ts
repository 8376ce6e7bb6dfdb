/**
 * A start-up failure that the operator fixes by changing a setting: its message is one line that
 * names the setting (environment variable and flag) and what to do. `main` prints it without a stack.
 */
export class StartupError extends Error {
  override readonly name = "StartupError";
}

/** A URL fit for a message: the password replaced by `***`. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

/** The system error's code and message, in one line (`ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1`). */
export function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown[] };
  // Node gives an AggregateError (one error per address tried) with an empty message.
  const inner = Array.isArray(e.errors) && e.errors.length > 0 ? (e.errors[0] as typeof e) : e;
  const code = typeof inner.code === "string" ? inner.code : undefined;
  const message = typeof inner.message === "string" ? inner.message.split("\n")[0] : String(err);
  return code !== undefined && message !== undefined && !message.includes(code)
    ? `${code}: ${message}`
    : (message ?? String(err));
}

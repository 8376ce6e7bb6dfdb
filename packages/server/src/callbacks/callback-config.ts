import { isLiveCallbackCommand, tencentParamIn } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { FieldReader } from "../rooms/field-reader.ts";
import type { StoreTx } from "../store/store.ts";

/** Tencent (live_config): one callback configuration per app, a URL and the commands switched on. */

const MAX_URL_BYTES = 2048;
const MAX_TOKEN_CHARS = 128;

export function readCallbackConfig(body: FieldReader): { url: string; commands: string[] } {
  const url = body.string("Url", { required: true, maxBytes: MAX_URL_BYTES });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LiveError(100002, "Url is not a valid URL");
  }
  // Tencent: the Url must start with http:// or https://.
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new LiveError(100002, "Url must start with http:// or https://");
  }
  if (parsed.hash !== "") throw new LiveError(100002, "Url must not have a #fragment");
  // Credentials in the Url would be shown back by get_callback and kept in logs; roomhook sends no
  // Authorization from them (docs/compat.md).
  if (parsed.username !== "" || parsed.password !== "") {
    throw new LiveError(
      100002,
      "Url must not carry a user name or password (user:pass@host); authenticate callbacks with the token (Sign) or a signing secret",
    );
  }
  // roomhook sets Tencent's own parameters on every callback; a Url that has them would send them twice.
  const own = tencentParamIn(parsed.searchParams);
  if (own !== undefined) {
    throw new LiveError(
      100002,
      `Url must not have the query parameter ${own}: roomhook adds Tencent's callback parameters to every callback`,
    );
  }
  const list = body.stringList("CallbackCommandList", { maxItems: 64 });
  for (const [i, c] of list.entries()) {
    if (!isLiveCallbackCommand(c))
      throw new LiveError(100002, `CallbackCommandList[${i}] is not a Live callback command: ${c}`);
  }
  return { url, commands: [...new Set(list)] };
}

export async function setCallback(
  tx: StoreTx,
  appId: number,
  config: { url: string; commands: string[] },
  nowMs: number,
) {
  if ((await tx.getCallbackConfig(appId)) !== undefined) throw new LiveError(100300);
  await tx.putCallbackConfig(appId, config, nowMs);
}

/** A full replacement; it also re-enables a configuration that a 410 Gone disabled. */
export async function updateCallback(
  tx: StoreTx,
  appId: number,
  config: { url: string; commands: string[] },
  nowMs: number,
) {
  if ((await tx.getCallbackConfig(appId)) === undefined) throw new LiveError(100301);
  await tx.putCallbackConfig(appId, config, nowMs);
}

export async function deleteCallback(tx: StoreTx, appId: number) {
  if (!(await tx.deleteCallbackConfig(appId))) throw new LiveError(100301);
}

export function readCallbackToken(body: FieldReader): { token?: string; enabled?: boolean } {
  const token = body.string("Token", { maxBytes: MAX_TOKEN_CHARS * 4 });
  // Characters, not UTF-16 units: Tencent counts 1-128 characters.
  if (token !== undefined && (token.length < 1 || Array.from(token).length > MAX_TOKEN_CHARS)) {
    throw new LiveError(100002, `Token must be 1 to ${MAX_TOKEN_CHARS} characters`);
  }
  const enabled = body.bool("IsTokenEnable");
  const out: { token?: string; enabled?: boolean } = {};
  if (token !== undefined) out.token = token;
  if (enabled !== undefined) out.enabled = enabled;
  return out;
}

/** Tencent: both fields on the first call; afterwards any subset updates. */
export async function setCallbackToken(
  tx: StoreTx,
  appId: number,
  input: { token?: string; enabled?: boolean },
) {
  const current = await tx.getCallbackToken(appId);
  const token = input.token ?? current?.token;
  const enabled = input.enabled ?? current?.enabled;
  if (token === undefined || enabled === undefined) {
    throw new LiveError(100002, "the first set_callback_token needs both Token and IsTokenEnable");
  }
  if (input.token === undefined && input.enabled === undefined) {
    throw new LiveError(100002, "set_callback_token needs Token or IsTokenEnable");
  }
  await tx.putCallbackToken(appId, { token, enabled });
}

/** A receiver answered 410 Gone: stop sending, say why, and end what was waiting. */
export async function disableCallback(
  tx: StoreTx,
  appId: number,
  reason: string,
  nowMs: number,
): Promise<number> {
  await tx.disableCallbackConfig(appId, reason, nowMs);
  return tx.killPendingDeliveries(appId, `callback configuration disabled: ${reason}`, nowMs);
}

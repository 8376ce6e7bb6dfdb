import { createServer, type IncomingMessage } from "node:http";
import { isTextElem } from "@roomhook/protocol";
import type { AddressInfo } from "node:net";
import {
  createReceiver,
  failReply,
  okReply,
  readRawBody,
  ReceiverError,
  refusalStatus,
  rewriteMessageReply,
  type BeforeSendMsgReply,
  type Receiver,
  type VerifiedCallback,
} from "@roomhook/receiver";

/** `roomhook listen`: a local App backend that verifies, prints and answers each callback. */
export interface ListenOptions {
  host: string;
  port: number;
  sdkAppId: number;
  /**
   * The callback token Sign is checked with: fixed, or asked for at each callback (the app's token as
   * the server has it now: one enabled after listen started is checked from then on). Undefined: no
   * Sign is required.
   */
  token?: string | (() => Promise<string | undefined>);
  secrets: string[];
  forwardTo?: string;
  json: boolean;
  out: (s: string) => void;
  /** How to answer before-callbacks (gifts, messages); default: allow. */
  before?: BeforeRule;
  /** `--rewrite FROM=TO`: an allowed message's texts with FROM (a regular expression) replaced. */
  rewrite?: { pattern: RegExp; replacement: string };
}

/** The rule of `--rewrite FROM=TO`, or why the text is not one. */
export function parseRewrite(text: string): { pattern: RegExp; replacement: string } | string {
  const eq = text.indexOf("=");
  if (eq <= 0) return `--rewrite must be FROM=TO (FROM a regular expression), got ${text}`;
  try {
    return { pattern: new RegExp(text.slice(0, eq), "gu"), replacement: text.slice(eq + 1) };
  } catch (e) {
    return `--rewrite: ${(e as Error).message}`;
  }
}

/**
 * `--before`: `allow`, `refuse[:CODE]`, or `refuse-matching:REGEX[:CODE]` (a message whose text, or a
 * gift whose GiftId, matches is refused). Without CODE a refusal answers ErrorCode 1 (Tencent: the
 * sender gets 10016 for a message, 102004 for a gift).
 */
export type BeforeRule =
  | { kind: "allow" }
  | { kind: "refuse"; code: number }
  | { kind: "refuse-matching"; pattern: RegExp; code: number };

/** The rule of `--before`, or why the text is not one. */
export function parseBeforeRule(text: string): BeforeRule | string {
  if (text === "allow") return { kind: "allow" };
  const refuse = /^refuse(?::(\d+))?$/.exec(text);
  if (refuse !== null) return { kind: "refuse", code: Number(refuse[1] ?? 1) };
  const m = /^refuse-matching:(.+?)(?::(\d+))?$/.exec(text);
  if (m?.[1] !== undefined) {
    try {
      return { kind: "refuse-matching", pattern: new RegExp(m[1], "u"), code: Number(m[2] ?? 1) };
    } catch (e) {
      return `--before: ${(e as Error).message}`;
    }
  }
  return `--before must be allow, refuse[:CODE] or refuse-matching:REGEX[:CODE], got ${text}`;
}

/** A message's text (its TIMTextElem elements) or a gift's id: what refuse-matching reads. */
function matchedText(cb: VerifiedCallback): string | undefined {
  if (cb.command === "Group.CallbackBeforeSendMsg")
    return cb.packet.MsgBody.map((e) => (isTextElem(e) ? e.MsgContent.Text : "")).join("\n");
  if (cb.command === "Live.CallbackBeforeSendGift") return cb.packet.GiftWater.GiftId;
  return undefined;
}

/** The answer to a before-callback by the rules; undefined for any other callback. */
export function beforeAnswer(
  rule: BeforeRule,
  cb: VerifiedCallback,
  rewrite?: { pattern: RegExp; replacement: string },
): BeforeSendMsgReply | undefined {
  const text = matchedText(cb);
  if (text === undefined) return undefined;
  const refuse = rule.kind === "refuse" || (rule.kind === "refuse-matching" && rule.pattern.test(text));
  if (!refuse) {
    if (rewrite === undefined || cb.command !== "Group.CallbackBeforeSendMsg") return okReply();
    const body = cb.packet.MsgBody.map((e) =>
      isTextElem(e)
        ? { ...e, MsgContent: { Text: e.MsgContent.Text.replace(rewrite.pattern, rewrite.replacement) } }
        : e,
    );
    const changed = JSON.stringify(body) !== JSON.stringify(cb.packet.MsgBody);
    return changed ? rewriteMessageReply({ MsgBody: body }) : okReply();
  }
  const code = rule.code;
  return { ActionStatus: "OK", ErrorCode: code, ErrorInfo: `refused by roomhook listen --before` };
}

function describe(cb: VerifiedCallback): string {
  switch (cb.command) {
    case "Live.CallbackAfterChangeOwner":
      return `room ${cb.packet.RoomId}: owner ${cb.packet.OriginalOwner_Account} -> ${cb.packet.CurrentOwner_Account} by ${cb.packet.Operator_Account}`;
    case "Live.CallbackAfterCreateRoom":
      return `room ${cb.packet.RoomInfo.RoomId} created, owner ${cb.packet.RoomInfo.Owner_Account}, by ${cb.packet.Operator_Account}`;
    case "Live.CallbackAfterDestroyRoom":
      return `room ${cb.packet.RoomId} destroyed (${cb.packet.EventType}) by ${cb.packet.Operator_Account}`;
    case "Live.CallbackAfterModifyAdmin":
      return `room ${cb.packet.RoomId}: admins ${cb.packet.opType} ${cb.packet.Admin_Account.join(", ")} by ${cb.packet.Operator_Account}`;
    case "Live.CallbackAfterUpdateRoomInfo":
      return `room ${cb.packet.RoomInfo.RoomId} updated: ${Object.keys(cb.packet.RoomInfo)
        .filter((k) => k !== "RoomId")
        .join(", ")}`;
    case "Live.CallbackAfterMemberStateChanged":
      return `room ${cb.packet.RoomId}: ${cb.packet.MemberList.map((m) => m.Member_Account).join(", ")} ${cb.packet.EventType} (${cb.packet.EventCause})`;
    case "Live.CallbackAfterCreateRoomReachingThreshold":
      return `rooms: ${cb.packet.CurRoomCount} of ${cb.packet.MaxRoomCount}`;
    case "Live.CallbackAfterSetMetadata":
      return `room ${cb.packet.RoomId}: metadata set ${cb.packet.Metadata.map((m) => m.Key).join(", ")} by ${cb.packet.Operator_Account}`;
    case "Live.CallbackAfterDelMetadata":
      return `room ${cb.packet.RoomId}: metadata deleted ${cb.packet.Keys.join(", ")} by ${cb.packet.Operator_Account}`;
    case "Live.CallbackBeforeSendGift": {
      const g = cb.packet.GiftWater;
      return `room ${cb.packet.RoomId}: ${g.From_Account} sends ${g.Count} x ${g.GiftId} (${g.Coins} coins each) to ${g.To_Account.join(", ")}?`;
    }
    case "Group.CallbackBeforeSendMsg":
    case "Group.CallbackAfterSendMsg":
      return `room ${cb.packet.GroupId}: ${cb.packet.From_Account}${cb.command === "Group.CallbackBeforeSendMsg" ? " wants to say" : " said"} ${JSON.stringify(
        cb.packet.MsgBody.map((e) => (isTextElem(e) ? e.MsgContent.Text : `[${e.MsgType}]`)).join(" "),
      )}`;
    case "Live.CallbackAfterCreateBattle":
      return `battle ${cb.packet.BattleId}: ${cb.packet.FromRoomId} vs ${cb.packet.ToRoomIdList.join(", ")} created`;
    case "Live.CallbackAfterStartBattle":
      return `battle ${cb.packet.BattleId} started for ${cb.packet.Duration} ms`;
    case "Live.CallbackAfterEndBattle":
      return `battle ${cb.packet.BattleId} ended (OpType ${cb.packet.OpType}): ${[
        cb.packet.FromRoomInfo,
        ...cb.packet.ToRoomList,
      ]
        .map((r) => `${r.RoomId} ${r.Score}`)
        .join(", ")}`;
    case "Mic.CallbackAfterSeatInfoChanged":
      return `room ${cb.packet.RoomId}: seats ${cb.packet.SeatList.map(
        (s) => `${s.Index}=${s.Member_Account ?? (s.IsTakenDisabled ? "locked" : "free")}`,
      ).join(" ")}`;
    case "unknown":
      return `unknown command ${cb.name}`;
    default:
      return "";
  }
}

/**
 * Where a callback is forwarded: the target with its own query first, then the callback's (Tencent's
 * parameters), so an App backend behind `index.php?option=app1` still gets both.
 */
export function forwardTarget(forwardTo: string, requestUrl: string): URL {
  const target = new URL(forwardTo);
  const q = requestUrl.indexOf("?");
  if (q >= 0)
    for (const [k, v] of new URLSearchParams(requestUrl.slice(q + 1))) target.searchParams.append(k, v);
  return target;
}

/** RFC 9110 section 7.6.1: headers about one connection, never passed on by an intermediary. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "host",
  "content-length",
]);

/** The headers a forwarded request keeps: the end-to-end ones, less those its Connection header names. */
export function endToEndHeaders(h: IncomingMessage["headers"]): Record<string, string> {
  const named = new Set(
    (h.connection ?? "")
      .split(",")
      .map((x) => x.trim().toLowerCase())
      .filter((x) => x !== ""),
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (HOP_BY_HOP.has(k) || named.has(k) || k.startsWith("proxy-")) continue;
    if (typeof v === "string") out[k] = v;
    else if (Array.isArray(v)) out[k] = v.join(", ");
  }
  return out;
}

export async function listen(opts: ListenOptions): Promise<{ url: string; close: () => Promise<void> }> {
  /** A receiver per token seen (a token changes rarely): "" for none. */
  const receivers = new Map<string, Receiver>();
  const receiverFor = (token: string | undefined): Receiver => {
    let r = receivers.get(token ?? "");
    if (r === undefined) {
      r = createReceiver({
        sdkAppId: opts.sdkAppId,
        ...(token === undefined ? {} : { token }),
        secrets: opts.secrets,
      });
      receivers.set(token ?? "", r);
    }
    return r;
  };
  const tokenNow = (): Promise<string | undefined> =>
    typeof opts.token === "function" ? opts.token() : Promise.resolve(opts.token);
  const server = createServer((req, res) => {
    void handle(req).then(({ status, body, line }) => {
      opts.out(`${line}\n`);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });

  async function handle(req: IncomingMessage): Promise<{ status: number; body: string; line: string }> {
    const time = new Date().toISOString();
    let raw: Buffer;
    let cb: VerifiedCallback;
    try {
      raw = await readRawBody(req);
      const receiver = receiverFor(await tokenNow());
      cb = receiver.verify({ url: req.url ?? "", headers: req.headers, body: raw });
    } catch (e) {
      const reason = e instanceof ReceiverError ? `${e.reason}: ${e.message}` : String(e);
      const status = e instanceof ReceiverError ? refusalStatus(e.reason) : 500;
      return { status, body: JSON.stringify(failReply(1, reason)), line: `${time}  REFUSED  ${reason}` };
    }
    const meta = [
      cb.sequence === undefined ? "" : `seq ${cb.sequence} (prev ${cb.previousSequence ?? "?"})`,
      cb.optPlatform === undefined
        ? ""
        : `${cb.optPlatform}${cb.clientIp === undefined ? "" : ` ${cb.clientIp}`}`,
      cb.eventId ?? "",
    ].filter((x) => x !== "");
    const command = cb.command === "unknown" ? cb.name : cb.command;
    let line = opts.json
      ? JSON.stringify({ time, command, packet: cb.packet, eventId: cb.eventId, sequence: cb.sequence })
      : `${time}  ${command}  ${describe(cb)}${meta.length > 0 ? `  [${meta.join(", ")}]` : ""}`;
    if (opts.forwardTo === undefined) {
      const answer = beforeAnswer(opts.before ?? { kind: "allow" }, cb, opts.rewrite);
      if (answer !== undefined) {
        const texts = (answer.MsgBody ?? []).map((e) =>
          isTextElem(e) ? e.MsgContent.Text : `[${e.MsgType}]`,
        );
        const said =
          answer.ErrorCode !== 0
            ? `refuse (ErrorCode ${answer.ErrorCode})`
            : answer.MsgBody !== undefined
              ? `rewrite ${JSON.stringify(texts.join(" "))}`
              : "allow";
        line += `\n    answered ${said}`;
      }
      return { status: 200, body: JSON.stringify(answer ?? okReply()), line };
    }
    // Forwarded as received (query, headers, body): the local app's answer goes back to roomhook, so a
    // local app that is down makes roomhook retry.
    const target = forwardTarget(opts.forwardTo, req.url ?? "");
    const headers = endToEndHeaders(req.headers);
    try {
      const res = await fetch(target, {
        method: "POST",
        headers,
        body: raw,
        redirect: "manual",
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      line += `\n    forwarded to ${opts.forwardTo}: HTTP ${res.status}`;
      return { status: res.status, body: text, line };
    } catch (e) {
      line += `\n    forward to ${opts.forwardTo} failed: ${(e as Error).message}`;
      return { status: 502, body: JSON.stringify(failReply(1, "forward failed")), line };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      reject(
        e.code === "EADDRINUSE"
          ? new Error(`port ${opts.port} on ${opts.host} is in use: choose another with --port`)
          : e,
      );
    });
    server.listen(opts.port, opts.host, resolve);
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${opts.host}:${addr.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

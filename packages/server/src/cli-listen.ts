import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createReceiver,
  failReply,
  okReply,
  readRawBody,
  ReceiverError,
  refusalStatus,
  type VerifiedCallback,
} from "@roomhook/receiver";

/** `roomhook listen`: a local App backend that verifies, prints and answers each callback. */
export interface ListenOptions {
  host: string;
  port: number;
  sdkAppId: number;
  token?: string;
  secrets: string[];
  forwardTo?: string;
  json: boolean;
  out: (s: string) => void;
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
    case "Mic.CallbackAfterSeatInfoChanged":
      return `room ${cb.packet.RoomId}: seats ${cb.packet.SeatList.map(
        (s) => `${s.Index}=${s.Member_Account ?? (s.IsTakenDisabled ? "locked" : "free")}`,
      ).join(" ")}`;
    case "unknown":
      return `unknown command ${cb.name}`;
    default:
      return `room ${cb.packet.RoomId}`;
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
  const receiver = createReceiver({
    sdkAppId: opts.sdkAppId,
    ...(opts.token === undefined ? {} : { token: opts.token }),
    secrets: opts.secrets,
  });
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
    if (opts.forwardTo === undefined) return { status: 200, body: JSON.stringify(okReply()), line };
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

  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
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

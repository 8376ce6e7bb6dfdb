import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createReceiver,
  failReply,
  okReply,
  readRawBody,
  ReceiverError,
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
    case "unknown":
      return `unknown command ${cb.name}`;
    default:
      return `room ${cb.packet.RoomId}`;
  }
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
      return { status: 401, body: JSON.stringify(failReply(1, reason)), line: `${time}  REFUSED  ${reason}` };
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
    const target = new URL(opts.forwardTo);
    const q = (req.url ?? "").indexOf("?");
    if (q >= 0) target.search = (req.url ?? "").slice(q);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
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

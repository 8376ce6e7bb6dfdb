import { pathToFileURL } from "node:url";
import { Pool } from "undici";

/**
 * Posts the bench's owner-change packet to `url` with an undici Pool, `inFlight` at a time over as
 * many connections, for `seconds`: posts per second, and this process's CPU per post in µs. The
 * delivery baseline, in this process (bench/delivery.ts) or in one of its own (this file as a script).
 */
export async function postAtFullSpeed(
  url: string,
  seconds: number,
  inFlight: number,
): Promise<{ perSec: number; cpuUsPerPost: number }> {
  const pool = new Pool(url, { connections: inFlight });
  const body = JSON.stringify({
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    RoomId: "b1",
    EventTime: Date.now(),
    Operator_Account: "administrator",
    CurrentOwner_Account: "u1",
    OriginalOwner_Account: "u0",
  });
  const end = Date.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  let sent = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < end) {
        const res = await pool.request({
          path: "/?SdkAppid=1&CallbackCommand=Live.CallbackAfterChangeOwner&contenttype=json",
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
        await res.body.text();
        sent++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  await pool.close();
  return { perSec: sent / seconds, cpuUsPerPost: Math.round((cpu.user + cpu.system) / Math.max(1, sent)) };
}

/**
 * The delivery baseline in a process of its own, as the server is: an undici Pool posting the same
 * packet to the bench's receiver, `BARE_IN_FLIGHT` at a time (default 100) over as many connections,
 * for `BARE_SECONDS`. It prints one JSON line: posts per second, and its CPU per post in µs.
 */
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env.BARE_URL ?? "";
  const seconds = Number(process.env.BARE_SECONDS ?? "5");
  const inFlight = Number(process.env.BARE_IN_FLIGHT ?? "100");
  process.stdout.write(`${JSON.stringify(await postAtFullSpeed(url, seconds, inFlight))}\n`);
}

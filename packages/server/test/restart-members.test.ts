import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import { genUserSig } from "@roomhook/protocol";
import { RoomhookClient, type WebSocketConstructor } from "@roomhook/client";
import { TEST_APP, TEST_KEY } from "./support/harness.ts";
import { startReceiver } from "./support/receiver.ts";
import { adminCall, spawnServer } from "./support/server-process.ts";

function user(url: string, userId: string): RoomhookClient {
  return new RoomhookClient({
    url: `${url.replace("http", "ws")}/v4/ws`,
    sdkAppId: TEST_APP,
    userId,
    userSig: () => genUserSig({ sdkAppId: TEST_APP, key: TEST_KEY, identifier: userId, expire: 3600 }),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: false,
  });
}

for (const stop of ["SIGKILL", "SIGTERM"] as const)
  test(`SQLite: members of a server that was ${stop === "SIGKILL" ? "killed" : "stopped normally"} go offline by heartbeat timeout after it restarts; one who came back stays`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "roomhook-restart-"));
    const rx = await startReceiver();
    const env = {
      ROOMHOOK_DATA: dataDir,
      ROOMHOOK_SECRET_KEY: TEST_KEY,
      ROOMHOOK_HEARTBEAT_TIMEOUT_MS: "1000",
      ROOMHOOK_LOG_LEVEL: "info",
    };
    const clients: RoomhookClient[] = [];
    try {
      const first = await spawnServer(env);
      assert.equal(
        (
          await adminCall(first.url, "live_config", "set_callback", {
            Url: rx.url,
            CallbackCommandList: ["Live.CallbackAfterMemberStateChanged"],
          })
        ).ErrorCode,
        0,
      );
      const host = user(first.url, "host");
      const gone = user(first.url, "gone");
      const back = user(first.url, "back");
      clients.push(host, gone, back);
      await host.login();
      await host.createRoom({ RoomId: "restart-1" });
      for (const c of [gone, back]) {
        await c.login();
        await c.enterRoom("restart-1");
      }
      await first.kill(stop);

      const second = await spawnServer(env);
      try {
        // "back" returns through the new process before the timeout; "gone" and "host" do not.
        const again = user(second.url, "back");
        clients.push(again);
        await again.login();
        await again.enterRoom("restart-1");
        const lost = () =>
          rx.received
            .map(
              (r) => JSON.parse(r.body) as { EventCause: string; MemberList: { Member_Account: string }[] },
            )
            .filter((p) => p.EventCause === "HeartbeatInterrupt");
        const deadline = Date.now() + 15_000;
        while (lost().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(
          lost().map((p) => p.MemberList.map((m) => m.Member_Account).sort()),
          [["gone", "host"]],
        );
        assert.deepEqual(
          (await again.getMemberList("restart-1")).map((m) => m.userId),
          ["back"],
        );
        // A crash is a warning; a normal stop is said by the process itself and is not taken for one.
        const said = (p: { stderr(): string }, msg: string) => p.stderr().includes(`"msg":"${msg}"`);
        const crashed = "reaped a dead node: its members are offline";
        const stoppedLine = "members of a node that stopped normally did not reconnect: they are offline";
        if (stop === "SIGKILL") {
          assert.ok(said(second, crashed), "a killed node is reported dead");
          assert.ok(!said(first, "roomhook stopped normally"));
        } else {
          assert.ok(said(first, "roomhook stopped normally"), "the stop is logged");
          assert.ok(said(second, stoppedLine), "its members are reaped without alarm");
          assert.ok(!said(second, crashed), "not reported as a dead node");
        }
      } finally {
        await second.kill("SIGTERM");
      }
    } finally {
      for (const c of clients) c.close();
      await rx.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

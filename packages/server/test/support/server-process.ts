import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { genUserSig } from "@roomhook/protocol";
import { TEST_ADMIN, TEST_APP, TEST_KEY } from "./harness.ts";
import { childEnv } from "./child-env.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** What the process wrote to standard error so far (its log, JSON lines). */
  stderr(): string;
}

/** Starts `src/main.ts` in its own process, as `npm start` does, and waits for its banner. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--conditions=roomhook-source", "--import", "tsx", MAIN], {
    env: childEnv({ ROOMHOOK_PORT: "0", ROOMHOOK_LOG_LEVEL: "warn", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      resolve(code);
    }),
  );
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    // A hang guard, not a speed check: under tsx on a loaded 2-core machine, a start that compiles
    // the server's sources took over 30 s once (CI run beside benchmarks).
    const timer = setTimeout(() => {
      reject(new Error(`server did not start in 90 s: ${stderr}`));
    }, 90_000);
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting: ${stderr}`));
    });
  });
  return {
    url,
    child,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    stderr: () => stderr,
  };
}

/** A REST call to a server process as the test app's admin; the envelope as JSON. */
export async function adminCall(
  base: string,
  service: string,
  command: string,
  body: unknown,
): Promise<{ ErrorCode: number }> {
  const sig = genUserSig({ sdkAppId: TEST_APP, key: TEST_KEY, identifier: TEST_ADMIN, expire: 3600 });
  const res = await fetch(
    `${base}/v4/${service}/${command}?sdkappid=${TEST_APP}&identifier=${TEST_ADMIN}&usersig=${sig}&random=1&contenttype=json`,
    { method: "POST", body: JSON.stringify(body) },
  );
  return (await res.json()) as { ErrorCode: number };
}

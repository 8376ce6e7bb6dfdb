import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** `node <the CLI's source>`: the `roomhook` command as the tests run it (no build needed). */
export const CLI_ARGS = [
  "--conditions=roomhook-source",
  "--import",
  "tsx",
  fileURLToPath(new URL("../../src/cli.ts", import.meta.url)),
];

/** Runs the CLI with the environment `env()` gives at the time of the call. */
export function cliProcesses(env: () => Record<string, string>) {
  /**
   * The CLI's commands talk to this machine's server by default (ROOMHOOK_HOST/ROOMHOOK_PORT, else
   * 127.0.0.1:8080): a test's environment names its throwaway server, so that `npm test` never
   * touches a server a developer is running.
   */
  function testEnv(): Record<string, string> {
    const e = env();
    if (e.ROOMHOOK_PORT === undefined || e.ROOMHOOK_PORT === "8080" || e.ROOMHOOK_HOST === undefined)
      throw new Error("a test's CLI processes need ROOMHOOK_HOST and ROOMHOOK_PORT of the test's server");
    return e;
  }

  /** Runs one command to its end: its exit code and output. */
  function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve) => {
      const c = spawn(process.execPath, [...CLI_ARGS, ...args], {
        env: testEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      c.stdout.on("data", (d: Buffer) => (out += d.toString()));
      c.stderr.on("data", (d: Buffer) => (err += d.toString()));
      c.on("exit", (code) => {
        resolve({ code, out, err });
      });
    });
  }

  /** Starts `roomhook listen`; resolves with its URL, its output so far, and a stop function. */
  async function startListen(args: string[]) {
    const c: ChildProcess = spawn(process.execPath, [...CLI_ARGS, "listen", "--port", "0", ...args], {
      env: testEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      c.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      c.on("exit", (code) => {
        reject(new Error(`listen exited ${code}`));
      });
    });
    return {
      url,
      output: () => out,
      /** Waits (up to 20 s: a loaded machine starts processes slowly) for the output to match. */
      async waitFor(re: RegExp) {
        for (let i = 0; i < 800 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 25));
        assert.match(out, re);
      },
      stop: () =>
        new Promise<number | null>((resolve) => {
          c.on("exit", (code) => {
            resolve(code);
          });
          c.kill("SIGINT");
        }),
    };
  }

  return { run, startListen };
}

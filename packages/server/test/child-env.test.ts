import { test } from "node:test";
import assert from "node:assert/strict";
import { childEnv } from "./support/child-env.ts";

test("a test's child process gets no setting that points at a developer's own setup", () => {
  const added = {
    DATABASE_URL: "postgres://dev@localhost/mine",
    ROOMHOOK_CONFIG: "/home/dev/roomhook.json",
    ROOMHOOK_PORT: "8080",
    ROOMHOOK_TEST_PG_ADMIN_URL: "postgres://test@127.0.0.1/postgres",
    SECRET_KEY: "dev-key",
  };
  const saved = new Map(Object.keys(added).map((k) => [k, process.env[k]]));
  try {
    Object.assign(process.env, added);
    const env = childEnv({ ROOMHOOK_PORT: "0" });
    assert.equal(env.DATABASE_URL, undefined);
    assert.equal(env.ROOMHOOK_CONFIG, undefined);
    assert.equal(env.SECRET_KEY, undefined);
    assert.equal(env.ROOMHOOK_PORT, "0", "what the test gives wins");
    assert.equal(
      env.ROOMHOOK_TEST_PG_ADMIN_URL,
      "postgres://test@127.0.0.1/postgres",
      "the suite's own stays",
    );
    assert.equal(env.PATH, process.env.PATH);
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  }
});

#!/usr/bin/env node
// The `roomhook` command: the built CLI (dist/cli.js, made by `npm ci` in the repository, or shipped).
import("../dist/cli.js").then(
  (cli) => cli.main(),
  (err) => {
    if (err && err.code === "ERR_MODULE_NOT_FOUND") {
      process.stderr.write("roomhook: not built yet: run `npm run build` (or `npm ci`) in the repository\n");
      process.exit(1);
    }
    throw err;
  },
);

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { liveCallbackCommands } from "@roomhook/protocol";

/**
 * The console: a web page served by this server at /console/, calling roomhook's own REST API from
 * the browser. Its files are plain ES modules (packages/server/console, no build step); the UI
 * library (Preact, htm) and the stylesheet (Pico) are served from their npm packages. Everything is
 * read once, at start, and answered from memory.
 */

/** The console's own files, beside src/ and dist/ alike (this module is one level below the package). */
const CONSOLE_DIR = new URL("../console/", import.meta.url);

/** What the page's import map names, served under /console/vendor/. */
const VENDOR: Record<string, string> = {
  "preact.mjs": "preact",
  "hooks.mjs": "preact/hooks",
  "htm.mjs": "htm",
  "pico.min.css": "@picocss/pico/css/pico.min.css",
};

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function asset(name: string, body: Buffer): Asset {
  const ext = name.slice(name.lastIndexOf(".") + 1);
  const type = TYPES[ext];
  if (type === undefined) throw new Error(`console: no content type for ${name}`);
  return { body, type, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` };
}

/**
 * The page's Content-Security-Policy: scripts only from this origin, plus the one inline element a
 * page needs to map `preact` and `htm` to their files (an import map cannot be loaded from a file), by
 * its hash. No inline script, no eval, no inline style, no frame: a value the page shows can run nothing.
 */
export function consolePolicy(indexHtml: string): string {
  const m = /<script type="importmap">([\s\S]*?)<\/script>/.exec(indexHtml);
  if (m?.[1] === undefined) throw new Error("console: index.html has no import map");
  const hash = createHash("sha256").update(m[1]).digest("base64");
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    // Pico draws its form icons as data: SVG images.
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The console's files by path below /console/, with the headers they are served with. */
export function loadConsoleAssets(): { assets: Map<string, Asset>; policy: string } {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(CONSOLE_DIR)) {
    if (!/^[\w-]+\.(html|js|css)$/.test(name)) continue;
    assets.set(name, asset(name, readFileSync(new URL(name, CONSOLE_DIR))));
  }
  for (const [name, specifier] of Object.entries(VENDOR))
    assets.set(`vendor/${name}`, asset(name, readFileSync(fileURLToPath(import.meta.resolve(specifier)))));
  // The Live callback commands the configuration page offers, from the protocol (not a copy in the page).
  assets.set(
    "commands.json",
    asset("commands.json", Buffer.from(JSON.stringify({ CallbackCommandList: liveCallbackCommands }))),
  );
  const index = assets.get("index.html");
  if (index === undefined) throw new Error("console: index.html is missing");
  assets.set("", index);
  return { assets, policy: consolePolicy(index.body.toString("utf8")) };
}

export function registerConsole(app: FastifyInstance): void {
  const { assets, policy } = loadConsoleAssets();
  const secure = (reply: FastifyReply) =>
    reply
      .header("content-security-policy", policy)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .header("x-frame-options", "DENY")
      .header("cross-origin-opener-policy", "same-origin");

  // Relative URLs in the page (its modules, ../v4/ for the REST API) need the trailing slash. The
  // fragment (where the sign-in link carries the UserSig) stays with the browser through a redirect.
  app.get("/console", (_req, reply) => secure(reply).redirect("/console/", 308));
  app.get("/console/*", (req: FastifyRequest<{ Params: { "*": string } }>, reply) => {
    secure(reply);
    const a = assets.get(req.params["*"]);
    if (a === undefined)
      return reply.code(404).type("text/plain; charset=utf-8").send("no such file in the console\n");
    // Always revalidated (a new version shows on reload), answered 304 while unchanged.
    void reply.header("cache-control", "no-cache").header("etag", a.etag);
    if (req.headers["if-none-match"] === a.etag) return reply.code(304).send();
    return reply.type(a.type).send(a.body);
  });
}

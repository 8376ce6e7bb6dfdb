import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { RestClient, RoomhookExtensions } from "@roomhook/rest-client";

/**
 * The client keeps up with the server: every command the server routes has a method, and every
 * method calls a command the server routes. The server's routes are read from the `services` table
 * that server.ts hands to registerRestRoutes, each service's commands from the factory that makes
 * them (called with inert arguments: a factory only closes over its dependencies). A new service or
 * command on the server fails this test until the client (and `RestApi` in @roomhook/protocol) has it.
 */

const SERVER_TS = resolve(dirname(fileURLToPath(import.meta.url)), "../../server/src/server.ts");

/** Commands the server answers under a second name: the client has a method for the first only. */
const ALIASES: Record<string, string> = {
  // Tencent's own admin console calls get_room_stats by this name.
  "live_engine_http_srv/get_room_statistic": "live_engine_http_srv/get_room_stats",
};

/** Every `service/command` the server routes, read from server.ts. */
async function serverRoutes(): Promise<string[]> {
  const source = ts.createSourceFile(
    SERVER_TS,
    readFileSync(SERVER_TS, "utf8"),
    ts.ScriptTarget.Latest,
    true,
  );
  // Where each imported factory comes from.
  const importedFrom = new Map<string, string>();
  for (const st of source.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const bindings = st.importClause?.namedBindings;
    if (bindings === undefined || !ts.isNamedImports(bindings)) continue;
    for (const el of bindings.elements) importedFrom.set(el.name.text, st.moduleSpecifier.text);
  }
  let services: ts.ObjectLiteralExpression | undefined;
  const find = (node: ts.Node): void => {
    if (
      ts.isPropertyAssignment(node) &&
      node.name.getText(source) === "services" &&
      ts.isObjectLiteralExpression(node.initializer)
    )
      services = node.initializer;
    ts.forEachChild(node, find);
  };
  find(source);
  assert.ok(services !== undefined, "server.ts has a `services: { ... }` table");

  const inert = new Proxy({}, { get: () => undefined });
  async function commandsOf(call: ts.Expression): Promise<string[]> {
    assert.ok(
      ts.isCallExpression(call) && ts.isIdentifier(call.expression),
      `a service's commands come from a factory call, got ${call.getText(source)}`,
    );
    const factory = call.expression.text;
    const spec = importedFrom.get(factory);
    assert.ok(spec !== undefined, `${factory} is imported in server.ts`);
    const mod = (await import(pathToFileURL(resolve(dirname(SERVER_TS), spec)).href)) as Record<
      string,
      unknown
    >;
    const make = mod[factory];
    assert.ok(typeof make === "function", `${spec} exports ${factory}`);
    const commands = (make as (...args: unknown[]) => Record<string, unknown>)(
      ...call.arguments.map(() => inert),
    );
    return Object.keys(commands);
  }

  const routes: string[] = [];
  for (const prop of services.properties) {
    assert.ok(ts.isPropertyAssignment(prop), `a service is name: commands, got ${prop.getText(source)}`);
    const service = prop.name.getText(source);
    const init = prop.initializer;
    const parts = ts.isObjectLiteralExpression(init)
      ? init.properties.map((p) => {
          assert.ok(ts.isSpreadAssignment(p), `${service}'s commands are spread factories`);
          return p.expression;
        })
      : [init];
    for (const part of parts) for (const c of await commandsOf(part)) routes.push(`${service}/${c}`);
  }
  return routes;
}

/** Every method of the client and of `client.roomhook`, with the `service/command` it calls. */
async function clientMethods(): Promise<Map<string, string>> {
  const called: string[] = [];
  const live = new RestClient({
    sdkAppId: 1400000000,
    secretKey: "k",
    baseUrl: "http://roomhook.test",
    fetch: (input) => {
      const url = input instanceof Request ? input.url : input;
      called.push(new URL(url).pathname.replace(/^\/v4\//, ""));
      return Promise.resolve(
        new Response(JSON.stringify({ ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", RequestId: "x" })),
      );
    },
  });
  const methods = new Map<string, string>();
  const targets: [string, object, object][] = [
    ["", RestClient.prototype, live],
    ["roomhook.", RoomhookExtensions.prototype, live.roomhook],
  ];
  for (const [prefix, proto, self] of targets) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === "constructor" || name === "call" || name === "callRaw") continue;
      const method = (proto as Record<string, unknown>)[name];
      if (typeof method !== "function") continue;
      const before = called.length;
      await (method as (body: object) => Promise<unknown>).call(self, {});
      const path = called[before];
      assert.ok(path !== undefined && called.length === before + 1, `${prefix}${name} made one call`);
      methods.set(`${prefix}${name}`, path);
    }
  }
  return methods;
}

const camel = (command: string) => command.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

test("every command the server routes has a client method", async () => {
  const routes = await serverRoutes();
  assert.ok(routes.length > 60, `server.ts routes ${routes.length} commands`);
  const called = new Set((await clientMethods()).values());
  const missing = routes.filter((r) => !called.has(ALIASES[r] ?? r));
  assert.deepEqual(missing, [], "commands without a method in RestClient (or RestClient.roomhook)");
  for (const [alias, name] of Object.entries(ALIASES))
    assert.ok(routes.includes(alias), `${alias} (${name})`);
});

test("every client method calls a command the server routes, the one its name says, each its own", async () => {
  const routes = new Set(await serverRoutes());
  const methods = await clientMethods();
  const seen = new Map<string, string>();
  for (const [name, path] of methods) {
    assert.ok(routes.has(path), `${name} calls ${path}, which the server does not route`);
    const [service = "", command = ""] = path.split("/");
    assert.equal(name.replace(/^roomhook\./, ""), camel(command), `${name} is named after ${path}`);
    // roomhook's own services are under client.roomhook, Tencent's on the client itself.
    assert.equal(name.startsWith("roomhook."), service.startsWith("roomhook_"), `${name} (${path})`);
    assert.equal(seen.get(path), undefined, `${name} and ${seen.get(path) ?? ""} call the same command`);
    seen.set(path, name);
  }
});

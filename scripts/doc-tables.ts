import { readFileSync, writeFileSync } from "node:fs";
import { format } from "prettier";
import { clientErrorCatalog, errorCatalog } from "@roomhook/protocol";
import { configKeys } from "../packages/server/src/config.ts";

/**
 * The tables in docs/ that must say what the code says: written from the code by `npm run docs`,
 * and checked equal by scripts/doc-tables.test.ts.
 */

const FAMILY_TITLES = {
  rest: "REST (60xxx)",
  usersig: "UserSig (70xxx)",
  chat: "Chat accounts and profiles (40xxx, 70xxx)",
  live: "Live (100xxx)",
} as const;

export function errorTable(): string {
  const lines = ["| code | family | meaning (default `ErrorInfo`) |", "|---|---|---|"];
  for (const [code, e] of Object.entries(errorCatalog))
    lines.push(`| ${code} | ${FAMILY_TITLES[e.family]} | ${e.info} |`);
  return lines.join("\n");
}

export function clientErrorTable(): string {
  const lines = ["| code | meaning |", "|---|---|"];
  for (const [code, info] of Object.entries(clientErrorCatalog).sort((a, b) => Number(b[0]) - Number(a[0]))) {
    lines.push(`| ${code} | ${info} |`);
  }
  return lines.join("\n");
}

export function configTable(): string {
  const cell = (s: string) => (s === "" ? "" : `\`${s}\``);
  const lines = ["| key (config file) | environment | flag | default | meaning |", "|---|---|---|---|---|"];
  for (const k of configKeys)
    lines.push(`| \`${k.key}\` | ${cell(k.env)} | ${cell(k.flag)} | ${k.default} | ${k.doc} |`);
  return lines.join("\n");
}

export const generatedDocs = [
  { file: "docs/errors.md", name: "error-catalog", render: errorTable },
  { file: "docs/errors.md", name: "client-error-catalog", render: clientErrorTable },
  { file: "docs/config.md", name: "config-keys", render: configTable },
] as const;

/**
 * A section as it stands in the doc once Prettier has formatted it (docs are Prettier-checked):
 * the table, with a blank line on each side.
 */
export async function renderFormatted(render: () => string): Promise<string> {
  return `\n${(await format(render(), { parser: "markdown", printWidth: 110 })).trimEnd()}\n`;
}

function bounds(doc: string, name: string): { from: number; to: number } | undefined {
  const start = `<!-- generated:${name} -->\n`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(`\n<!-- end:${name} -->`);
  return i < 0 || j < i + start.length - 1 ? undefined : { from: i + start.length, to: j };
}

/** The text between `<!-- generated:NAME -->` and `<!-- end:NAME -->`. */
export function generatedSection(doc: string, name: string): string | undefined {
  const b = bounds(doc, name);
  return b === undefined ? undefined : doc.slice(b.from, b.to);
}

export async function writeGeneratedDocs(root: URL): Promise<void> {
  for (const d of generatedDocs) {
    const path = new URL(d.file, root);
    const doc = readFileSync(path, "utf8");
    const b = bounds(doc, d.name);
    if (b === undefined) throw new Error(`${d.file} has no generated:${d.name} section`);
    writeFileSync(path, doc.slice(0, b.from) + (await renderFormatted(d.render)) + doc.slice(b.to));
  }
}

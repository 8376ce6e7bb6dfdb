import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { generatedDocs, generatedSection, renderFormatted } from "./doc-tables.ts";

for (const d of generatedDocs) {
  test(`${d.file} says what the code says (${d.name}); \`npm run docs\` rewrites it`, async () => {
    const doc = readFileSync(new URL(`../${d.file}`, import.meta.url), "utf8");
    assert.equal(generatedSection(doc, d.name), await renderFormatted(d.render));
  });
}

import { writeFileSync } from "node:fs";
import { configFileJsonSchema } from "../packages/server/src/config.ts";
import { writeGeneratedDocs } from "./doc-tables.ts";

const root = new URL("../", import.meta.url);
await writeGeneratedDocs(root);
// The config file's JSON Schema, for editors ("$schema"); packages/server/src/config.test.ts checks it
// equal to the schema's. `npm run docs` formats it with Prettier after this.
writeFileSync(
  new URL("docs/config.schema.json", root),
  `${JSON.stringify(configFileJsonSchema(), null, 2)}\n`,
);

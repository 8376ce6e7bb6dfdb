import { writeGeneratedDocs } from "./doc-tables.ts";

await writeGeneratedDocs(new URL("../", import.meta.url));

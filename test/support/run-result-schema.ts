/**
 * The run result's JSON Schema (harness/run-result.schema.json), derived from its TypeScript types in
 * harness/run-result.ts so the two can never say different things: `npm run schema` writes it, and
 * test/run-result-schema.test.ts fails when the committed file is not what the types give.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";
import { RUN_RESULT_SCHEMA_VERSION } from "../../harness/run-result.js";

export const RUN_RESULT_SCHEMA_FILE = fileURLToPath(
  new URL("../../harness/run-result.schema.json", import.meta.url),
);

export function runResultSchemaText(): string {
  const generated = createGenerator({
    path: fileURLToPath(new URL("../../harness/run-result.ts", import.meta.url)),
    tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)),
    type: "RunResult",
    topRef: false,
    additionalProperties: false,
  }).createSchema("RunResult");
  const schema = {
    $schema: generated.$schema,
    $id: `https://gp-harness.invalid/schemas/run-result-${RUN_RESULT_SCHEMA_VERSION}.json`,
    title: `gp-harness run result, version ${RUN_RESULT_SCHEMA_VERSION}`,
    description:
      "What one gp-harness run found: the gateway and how it was reached, the region, the catalogue and selection, the machine, and every scenario's result with its checks and evidence. report.json holds one; every other report is written from it.",
    ...Object.fromEntries(Object.entries(generated).filter(([key]) => key !== "$schema")),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes("--write")) {
  writeFileSync(RUN_RESULT_SCHEMA_FILE, runResultSchemaText());
  console.log(`wrote ${RUN_RESULT_SCHEMA_FILE}`);
}

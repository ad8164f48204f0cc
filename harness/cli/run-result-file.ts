/**
 * Reading a saved run result (`report.json`) for `gp-harness report` and `compare`: any file that is not a run
 * result of this harness's version is a one-line error naming the file and what is wrong with it.
 */
import { readFile } from "node:fs/promises";
import { Ajv } from "ajv";
import { RUN_RESULT_SCHEMA_VERSION, type RunResult } from "../run-result.js";
import schema from "../run-result.schema.json" with { type: "json" };
import { cliError } from "./errors.js";

const validate = new Ajv({ allErrors: false, strict: false }).compile(schema);

export async function readRunResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw cliError("RUN_RESULT_INVALID", path, code === "ENOENT" ? "no such file" : (error as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw cliError("RUN_RESULT_INVALID", path, `not JSON (${(error as Error).message})`);
  }
  const version = (parsed as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === "number" && version !== RUN_RESULT_SCHEMA_VERSION) {
    throw cliError(
      "RUN_RESULT_INVALID",
      path,
      `a run result of version ${version}; this gp-harness reads version ${RUN_RESULT_SCHEMA_VERSION}`,
    );
  }
  if (!validate(parsed)) {
    const first = validate.errors?.[0];
    const where = first?.instancePath === "" ? "the document" : first?.instancePath;
    throw cliError(
      "RUN_RESULT_INVALID",
      path,
      `not a gp-harness run result: ${where} ${first?.message ?? ""}`.trim(),
    );
  }
  return parsed as unknown as RunResult;
}

/** A bug of the harness's own is told in one line, saying where, never as a stack trace on the console. */
import { afterEach, describe, expect, it } from "vitest";
import { internalErrorLine } from "../harness/cli.js";

afterEach(() => {
  delete process.env.GP_HARNESS_DEBUG;
});

describe("an internal error", () => {
  it("is one line naming what broke and the first place in the harness's own code", () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'status')\nsecond line");
    error.stack = [
      "TypeError: Cannot read properties of undefined (reading 'status')",
      "    at Array.map (<anonymous>)",
      "    at junitXml (file:///opt/app/node_modules/gp-harness/dist/reports/junit.js:41:17)",
      "    at writeReports (file:///opt/app/node_modules/gp-harness/dist/reports/write-reports.js:20:5)",
    ].join("\n");
    const line = internalErrorLine(error);
    expect(line.split("\n")).toHaveLength(1);
    expect(line).toBe(
      "gp-harness: internal error: Cannot read properties of undefined (reading 'status') (at dist/reports/junit.js:41); this is a bug of gp-harness (exit 3), GP_HARNESS_DEBUG=1 shows the whole stack",
    );
  });

  it("shows the whole stack when asked", () => {
    process.env.GP_HARNESS_DEBUG = "1";
    const error = new Error("boom");
    expect(internalErrorLine(error).split("\n").length).toBeGreaterThan(1);
  });
});

/**
 * Shape coverage: of every element path the real records of a supplier carry (../shared/reference/
 * gpconnect-records/), the share the simulated practices of that supplier also write, over a sample of
 * patients with every trait. It may not fall below 95%, nor below the figure recorded in shape-coverage.json,
 * and every path
 * still missing, and every path ours write that the real records never carry, is listed there with its reason:
 * a path that appears or disappears without the list saying so fails, so the list stays the truth. `npm run
 * shapes` writes the list again, keeping the reasons already given.
 */
import { describe, expect, it } from "vitest";
import { readShapeCoverage, realShapes } from "../support/shape-coverage-file.js";
import { shapePaths } from "../support/shape-paths.js";
import { simulatedShapes } from "../support/simulated-shapes.js";

const listed = readShapeCoverage();
/** The least share of a supplier's real paths the simulated practices must write, whatever the list records. */
const COVERAGE_FLOOR = 0.95;

describe.each(["emis", "tpp"] as const)("the %s practices' shape coverage", (supplier) => {
  const real = realShapes(supplier);
  const ours = simulatedShapes(supplier);
  const covered = [...real].filter((path) => ours.has(path));
  const list = listed[supplier];

  it("is no lower than recorded", () => {
    console.log(
      `${supplier}: ${covered.length} of ${real.size} real paths (${((covered.length / real.size) * 100).toFixed(1)}%)`,
    );
    expect(covered.length / real.size).toBeGreaterThanOrEqual(list.coverage.covered / list.coverage.of);
  });

  it(`is at least ${COVERAGE_FLOOR * 100}%, and so is the figure recorded`, () => {
    expect(covered.length / real.size).toBeGreaterThanOrEqual(COVERAGE_FLOOR);
    expect(list.coverage.covered / list.coverage.of).toBeGreaterThanOrEqual(COVERAGE_FLOOR);
  });

  it("lists every real path ours do not write, and no path ours now write", () => {
    const missing = [...real].filter((path) => !ours.has(path)).sort();
    expect(missing).toEqual(Object.keys(list.missing).sort());
    for (const reason of Object.values(list.missing)) expect(reason.trim()).not.toBe("");
  });

  it("lists every path ours write that the real records never carry", () => {
    const extra = [...ours].filter((path) => !real.has(path)).sort();
    expect(extra).toEqual(Object.keys(list.extra).sort());
    for (const reason of Object.values(list.extra)) expect(reason.trim()).not.toBe("");
  });
});

describe("a shape path", () => {
  it("spells extension URLs and coding and identifier systems into the path, and not array positions", () => {
    const bundle = {
      resourceType: "Bundle",
      entry: [
        {
          resource: {
            resourceType: "Condition",
            identifier: [{ system: "https://EMISWeb/A82038", value: "1" }],
            extension: [{ url: "https://x/ActualProblem-1", valueReference: { reference: "Observation/1" } }],
            code: {
              coding: [
                { system: "http://snomed.info/sct", code: "1" },
                { system: "http://read.info/readv2", code: "2" },
              ],
            },
          },
        },
      ],
    } as unknown as fhir.Bundle;
    expect([...shapePaths(bundle)].sort()).toEqual([
      "Condition.code.coding[http://read.info/readv2].code",
      "Condition.code.coding[http://snomed.info/sct].code",
      "Condition.extension[https://x/ActualProblem-1].valueReference.reference",
      "Condition.identifier[https://EMISWeb/{ODS}].value",
    ]);
  });
});

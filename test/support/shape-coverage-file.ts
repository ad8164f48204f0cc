/**
 * `npm run shapes`: writes test/fidelity/shape-coverage.json again from the real records and the simulated
 * practices as they are now. The reasons already written are kept; a path newly missing, or newly written by
 * ours alone, gets an empty reason, which the shape-coverage test refuses until someone writes one.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { shapePaths } from "./shape-paths.js";
import { simulatedShapes } from "./simulated-shapes.js";

export const SHAPE_COVERAGE_FILE = fileURLToPath(new URL("../fidelity/shape-coverage.json", import.meta.url));
const RECORDS = new URL("../../../shared/reference/gpconnect-records/", import.meta.url);

export type Supplier = "emis" | "tpp";
export const REAL_RECORDS: Readonly<Record<Supplier, readonly string[]>> = {
  emis: ["emis-assurance-PWTP2.json", "emis-assurance-PWTP5.json", "emis-assurance-PWTP7.json"],
  tpp: ["tpp-integration-9692136744.json"],
};

export interface SupplierShapes {
  readonly coverage: { readonly covered: number; readonly of: number };
  readonly missing: Readonly<Record<string, string>>;
  readonly extra: Readonly<Record<string, string>>;
}

export function realShapes(supplier: Supplier): Set<string> {
  const paths = new Set<string>();
  for (const file of REAL_RECORDS[supplier]) {
    for (const path of shapePaths(JSON.parse(readFileSync(new URL(file, RECORDS), "utf8")))) paths.add(path);
  }
  return paths;
}

export function readShapeCoverage(): Record<Supplier, SupplierShapes> {
  return JSON.parse(readFileSync(SHAPE_COVERAGE_FILE, "utf8")) as Record<Supplier, SupplierShapes>;
}

function withReasons(paths: readonly string[], reasons: Readonly<Record<string, string>>) {
  return Object.fromEntries([...paths].sort().map((path) => [path, reasons[path] ?? ""]));
}

function supplierShapes(supplier: Supplier, before: SupplierShapes | undefined): SupplierShapes {
  const real = realShapes(supplier);
  const ours = simulatedShapes(supplier);
  const missing = [...real].filter((path) => !ours.has(path));
  const extra = [...ours].filter((path) => !real.has(path));
  return {
    coverage: { covered: real.size - missing.length, of: real.size },
    missing: withReasons(missing, before?.missing ?? {}),
    extra: withReasons(extra, before?.extra ?? {}),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const before = readShapeCoverage();
  const after = { emis: supplierShapes("emis", before.emis), tpp: supplierShapes("tpp", before.tpp) };
  writeFileSync(SHAPE_COVERAGE_FILE, `${JSON.stringify(after, null, 2)}\n`);
  for (const supplier of ["emis", "tpp"] as const) {
    const { covered, of } = after[supplier].coverage;
    const unexplained = [
      ...Object.values(after[supplier].missing),
      ...Object.values(after[supplier].extra),
    ].filter((reason) => reason.trim() === "").length;
    console.log(
      `${supplier}: ${covered} of ${of} real paths (${((covered / of) * 100).toFixed(1)}%), ${unexplained} paths still need a reason`,
    );
  }
}

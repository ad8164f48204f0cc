/**
 * Writes every report for a run result. Each file is written to a temporary name and renamed into place,
 * so a reader (or a crash) never sees half a report. Last comes `manifest.sha256`, the SHA-256 of each
 * report in the format `sha256sum -c manifest.sha256` checks, so a filed report can be shown unaltered.
 */
import { createHash } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { RunResult } from "../harness/run-result.js";
import { ctrfJson } from "./ctrf.js";
import { htmlReport } from "./html/page.js";
import { junitXml } from "./junit.js";
import { reportJson } from "./report-json.js";
import { summaryMarkdown } from "./summary-md.js";

export const REPORT_WRITERS: ReadonlyArray<{ file: string; write: (result: RunResult) => string }> = [
  { file: "report.json", write: reportJson },
  { file: "junit.xml", write: junitXml },
  { file: "ctrf.json", write: ctrfJson },
  { file: "summary.md", write: summaryMarkdown },
  { file: "report.html", write: htmlReport },
];

/** The checksums of the reports written beside it. */
export const MANIFEST_FILE = "manifest.sha256";

/** A report that could not be written, and why: the others are written all the same. */
export class ReportsIncompleteError extends Error {
  constructor(
    readonly written: readonly string[],
    readonly failed: ReadonlyArray<{ readonly file: string; readonly reason: string }>,
  ) {
    super(failed.map((f) => `${f.file} could not be written: ${f.reason}`).join("; "));
  }
}

/**
 * Writes all reports into `dir` (created if needed), then their manifest; returns the paths written. A writer
 * that fails does not stop the others: they are written, and then a ReportsIncompleteError names what failed.
 */
export async function writeReports(dir: string, result: RunResult): Promise<string[]> {
  await ensureDirectory(dir);
  const written: string[] = [];
  const sums: string[] = [];
  const failed: Array<{ file: string; reason: string }> = [];
  for (const { file, write } of REPORT_WRITERS) {
    let content: string;
    try {
      content = write(result);
    } catch (error) {
      failed.push({ file, reason: (error as Error)?.message ?? String(error) });
      continue;
    }
    written.push(await writeAtomically(join(dir, file), content));
    sums.push(`${createHash("sha256").update(content, "utf8").digest("hex")}  ${file}\n`);
  }
  written.push(await writeAtomically(join(dir, MANIFEST_FILE), sums.join("")));
  if (failed.length > 0) throw new ReportsIncompleteError(written, failed);
  return written;
}

/** Written to a temporary name and renamed into place; a failed write leaves no temporary file behind. */
async function writeAtomically(path: string, content: string): Promise<string> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, content, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  return path;
}

/**
 * Moves the reports of an earlier run in `dir` into `dir/previous/` (replacing older ones there), so that a
 * run which fails before writing its own never leaves the last run's looking current.
 */
export async function setAsidePreviousReports(dir: string): Promise<void> {
  const previous = join(dir, "previous");
  for (const file of [...REPORT_WRITERS.map((w) => w.file), MANIFEST_FILE]) {
    const path = join(dir, file);
    const found = await stat(path).catch(() => undefined);
    if (found?.isFile() !== true) continue;
    await ensureDirectory(previous);
    await rename(path, join(previous, file));
  }
}

/**
 * Creates `dir` and any missing parents, one level at a time. (Node's recursive mkdir never settles on
 * some paths, such as under /proc, and a report must not hang the run.)
 */
export async function ensureDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    const found = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (found !== undefined) {
      if (!found.isDirectory())
        throw Object.assign(new Error(`${current} is not a directory`), { code: "ENOTDIR" });
      break;
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const path of missing) {
    await mkdir(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
}

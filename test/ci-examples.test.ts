/**
 * The README's CI jobs are the real ones: every command of the GitHub Actions and GitLab CI examples that
 * touches gp-harness or its reports runs here as written (`npx gp-harness` found in node_modules/.bin, as in the
 * gateway's repository), against the reference gateway described by a `gateway.json`, first without a
 * baseline and then with the last run's report.json as one.
 */
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CLI_PATH } from "./support/cli.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const GATEWAY_MAIN = fileURLToPath(new URL("../dist/gateway/main.js", import.meta.url));
const REFERENCE_MANIFEST = fileURLToPath(new URL("../gateway/gateway.json", import.meta.url));

/** The YAML block after `<!-- ci-example:NAME -->`. */
function example(name: string): unknown {
  const at = README.indexOf(`<!-- ci-example:${name} -->`);
  expect(at, `the README has no ${name} example`).toBeGreaterThan(0);
  const block = /```yaml\n([\s\S]*?)```/.exec(README.slice(at))?.[1];
  return parse(block ?? "");
}

/** The shell lines of the example that concern gp-harness or its reports (not installing, not uploading). */
function commandsOf(lines: readonly string[]): string[] {
  return lines.filter((line) => /gp-harness|harness-report/.test(line));
}

/** A gateway's repository as the examples assume: gateway.json, and gp-harness installed for npx. */
async function gatewayRepository(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gp-harness-ci-"));
  const manifest = JSON.parse(readFileSync(REFERENCE_MANIFEST, "utf8"));
  delete manifest.$schema;
  manifest.launch.argv = ["node", GATEWAY_MAIN];
  writeFileSync(join(dir, "gateway.json"), JSON.stringify(manifest, null, 2));
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  const bin = join(dir, "node_modules", ".bin", "gp-harness");
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI_PATH}" "$@"\n`);
  chmodSync(bin, 0o755);
  return dir;
}

function sh(
  command: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-c", command], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.once("exit", (code) => resolve({ code, output }));
  });
}

async function runAll(commands: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const outputs: string[] = [];
  for (const command of commands) {
    const { code, output } = await sh(command, cwd, env);
    expect(code, `${command}\n${output}`).toBe(0);
    outputs.push(output);
  }
  return outputs;
}

describe("the README's CI examples", () => {
  it("GitHub Actions: every gp-harness step runs as written, without a baseline and then against one", {
    timeout: 240_000,
  }, async () => {
    const job = example("github") as { jobs: Record<string, { steps: Array<{ run?: string }> }> };
    const steps = Object.values(job.jobs)[0]!.steps.flatMap((step) =>
      step.run === undefined ? [] : [step.run],
    );
    const commands = commandsOf(steps);
    expect(commands.some((c) => c.startsWith("npx gp-harness run "))).toBe(true);
    expect(commands.some((c) => c.includes("gp-harness compare"))).toBe(true);
    const repository = await gatewayRepository();
    const summary = join(repository, "step-summary.md");
    await runAll(commands, repository, { GITHUB_STEP_SUMMARY: summary });
    expect(readFileSync(summary, "utf8")).toMatch(/PASS/);
    mkdirSync(join(repository, "baseline"));
    copyFileSync(
      join(repository, "harness-report", "report.json"),
      join(repository, "baseline", "report.json"),
    );
    const outputs = await runAll(commands, repository, { GITHUB_STEP_SUMMARY: summary });
    expect(outputs.join("\n")).toMatch(/0 worse, 0 better, \d+ unchanged/);
    expect(outputs.join("\n")).toMatch(/report\.html: OK/);
  });

  it("GitLab CI: every gp-harness line of the script and after_script runs as written", {
    timeout: 240_000,
  }, async () => {
    const job = Object.values(
      example("gitlab") as Record<string, { script: string[]; after_script: string[] }>,
    )[0]!;
    const commands = commandsOf([...job.script, ...job.after_script]);
    expect(commands.length).toBeGreaterThanOrEqual(3);
    const repository = await gatewayRepository();
    mkdirSync(join(repository, "baseline"));
    // The last release's report: a run of the same catalogue.
    await runAll([commands[0]!], repository);
    copyFileSync(
      join(repository, "harness-report", "report.json"),
      join(repository, "baseline", "report.json"),
    );
    const outputs = await runAll(commands, repository);
    expect(outputs.join("\n")).toMatch(/0 worse, 0 better/);
    expect(outputs.at(-1)).toMatch(/PASS/);
  });
});

/**
 * For the launchers' tests: the fixture gateway (test/gateways/fixture-gateway.mjs) and how it says who it is,
 * what is left running (processes from /proc, containers by the harness's label), and the error a launch ends in.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { CliError, type CliErrorCode } from "../../harness/cli/errors.js";
import { CONTAINER_LABEL } from "../../harness/launch/index.js";

export const GATEWAYS_DIR = fileURLToPath(new URL("../gateways/", import.meta.url));
export const FIXTURE = "fixture-gateway.mjs";

/** The fixture's pids, as it reports them once started. */
export interface Hello {
  readonly pid: number;
  readonly child: number;
}

export interface HelloServer {
  readonly url: string;
  /** The next fixture to start reports in. */
  next(): Promise<Hello>;
  /** Forgets the reports no test waited for. */
  clear(): void;
  close(): Promise<void>;
}

/** Where fixtures report their pids: the test waits on that report, not on time. */
export async function helloServer(): Promise<HelloServer> {
  const arrived: Hello[] = [];
  const waiting: ((hello: Hello) => void)[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      response.end();
      const hello = JSON.parse(body) as Hello;
      const waiter = waiting.shift();
      if (waiter) waiter(hello);
      else arrived.push(hello);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hello`,
    next: () => {
      const hello = arrived.shift();
      return hello ? Promise.resolve(hello) : new Promise((resolve) => waiting.push(resolve));
    },
    clear: () => {
      arrived.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface ProcessState {
  readonly pid: number;
  readonly state: string;
  readonly group: number;
}

function processes(): ProcessState[] {
  const found: ProcessState[] = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      found.push({ pid: Number(entry), state: fields[0] ?? "", group: Number(fields[2]) });
    } catch {
      // Gone while looking.
    }
  }
  return found;
}

/** Whether the process runs (a zombie, dead and waiting to be reaped, does not). */
export function isRunning(pid: number): boolean {
  return processes().some((p) => p.pid === pid && p.state !== "Z" && p.state !== "X");
}

/** The pids still running in a process group. */
export function runningInGroup(group: number): number[] {
  return processes()
    .filter((p) => p.group === group && p.state !== "Z" && p.state !== "X")
    .map((p) => p.pid);
}

/** Asserts that nothing of a launched fixture runs: not it, not its child, nothing else in its group. */
export function expectNothingRunning(hello: Hello): void {
  expect({
    gateway: isRunning(hello.pid),
    child: isRunning(hello.child),
    group: runningInGroup(hello.pid),
  }).toEqual({ gateway: false, child: false, group: [] });
}

/** The CliError a launch rejected with, checked to be one with this code. */
export async function launchError(launch: Promise<unknown>, code: CliErrorCode): Promise<CliError> {
  const error = await launch.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CliError);
  expect({ code: (error as CliError).code, message: (error as CliError).message }).toMatchObject({ code });
  expect((error as CliError).message).not.toContain("\n");
  return error as CliError;
}

/**
 * The harness's containers (by its label), running or not, whose environment holds
 * `GP_HARNESS_TEST_MARKER=<marker>`: one test's containers, whatever else runs on a shared engine. Each as
 * "IMAGE STATE".
 */
export function containersMarked(marker: string): string[] {
  const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" });
  const listed = docker(
    "ps",
    "--all",
    "--filter",
    `label=${CONTAINER_LABEL}`,
    "--format",
    "{{.ID}} {{.Image}} {{.State}}",
  );
  return listed
    .split("\n")
    .filter(Boolean)
    .filter((line) => {
      const id = line.split(" ")[0] ?? "";
      try {
        return docker("inspect", "--format", "{{json .Config.Env}}", id).includes(
          `GP_HARNESS_TEST_MARKER=${marker}`,
        );
      } catch {
        return false; // removed meanwhile
      }
    })
    .map((line) => line.split(" ").slice(1).join(" "));
}

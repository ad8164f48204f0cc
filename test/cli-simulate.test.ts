/** `gp-harness simulate` as a user runs it: the built CLI in a child process (npm test builds it first). */
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import type { RegionInfo } from "../simulators/index.js";
import { hasNoStackTrace, runCli, startCli } from "./support/cli.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";
import { postStructuredRecord } from "./support/structured-record.js";

const stopAfter: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stopAfter.splice(0).map((stop) => stop()));
});

async function until(output: () => string, text: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" never printed: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return output();
}

describe("gp-harness simulate", () => {
  it("builds the region the flags ask for and prints it as one JSON line", async () => {
    const sim = await startCli([
      "simulate",
      "--json",
      "--port",
      "0",
      "--seed",
      "7",
      "--reference-date",
      "2024-03-01",
      "--practices",
      "3",
      "--patients-per-practice",
      "10",
      "--emis-share",
      "1",
    ]);
    stopAfter.push(sim.stop);
    const info = JSON.parse(sim.firstLine) as RegionInfo;
    expect(info).toMatchObject({ seed: 7, referenceDate: "2024-03-01" });
    expect(info.practices.map((p) => p.system)).toEqual(["emis", "emis", "emis"]);
    expect(info.openapi).toBe(`${info.control}/openapi.json`);
    expect(info.consumers.map((c) => c.ods)).toContain(info.consumer.ods);
    const openapi = await request(info.openapi);
    expect(openapi.statusCode).toBe(200);
    expect(((await openapi.body.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });

  it("prints where everything is, and guards the control API with the token given", async () => {
    const sim = await startCli([
      "simulate",
      "--port",
      "0",
      "--practices",
      "2",
      "--control-token",
      "tok-12345678",
    ]);
    stopAfter.push(sim.stop);
    const text = await until(sim.output, "Ctrl-C to stop.");
    expect(sim.firstLine).toMatch(
      /^gp-harness simulated region: seed 1, reference date \d{4}-\d{2}-\d{2}, 2 practices/,
    );
    const control = /control {2}(\S+) {2}\(bearer token required\)/.exec(text)?.[1];
    expect(control).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_control$/);
    for (const label of ["OpenAPI", "PDS", "SDS", "consumer", "practice"])
      expect(text).toMatch(new RegExp(`^  ${label} `, "m"));
    expect(text).toContain("sample patients:");

    const without = await request(`${control}/region`);
    expect(without.statusCode).toBe(401);
    await without.body.dump();
    const withToken = await request(`${control}/region`, {
      headers: { authorization: "Bearer tok-12345678" },
    });
    expect(withToken.statusCode).toBe(200);
    await withToken.body.dump();
  });

  it("says which Ssp-From ASIDs the practices accept, and with --allow-unknown-asids accepts any", async () => {
    const strict = await startCli(["simulate", "--port", "0", "--practices", "1"]);
    stopAfter.push(strict.stop);
    expect(await until(strict.output, "Ctrl-C to stop.")).toMatch(
      /^ {2}Ssp-From: only the consumers' ASIDs above; register another with POST http:\/\/\S+\/consumers$/m,
    );
    const relaxed = await startCli([
      "simulate",
      "--port",
      "0",
      "--practices",
      "1",
      "--allow-unknown-asids",
      "--json",
    ]);
    stopAfter.push(relaxed.stop);
    await until(relaxed.output, "\n");
    const info = JSON.parse(relaxed.firstLine) as RegionInfo;
    const practice = info.practices[0]!;
    const patient = info.patients.find((p) => p.ods === practice.ods && p.traits.length === 0)!;
    const answer = await postStructuredRecord(
      practice.endpoint,
      gpConnectHeaders({ fromAsid: "999000000077", toAsid: practice.asid, audience: practice.endpoint }),
      JSON.stringify(structuredRecordRequest({ nhsNumber: patient.nhsNumber })),
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it.each([
    [["--reference-date", "2025-02-30"], /--reference-date.*YYYY-MM-DD/],
    [["--reference-date", "tomorrow"], /--reference-date.*YYYY-MM-DD/],
    [["--emis-share", "1.5"], /--emis-share.*from 0 to 1/],
    [["--emis-share", "half"], /--emis-share.*from 0 to 1/],
    [["--practices", "0"], /--practices.*whole number from 1/],
    [["--patients-per-practice", "lots"], /--patients-per-practice.*whole number/],
    [["--port", "70000"], /--port.*whole number from 0 to 65535/],
    [["--seed", "-3"], /--seed.*whole number/],
    [["--control-token", "short"], /--control-token.*8 to 512 printable characters/],
    [["--host", "0.0.0.0"], /host 0\.0\.0\.0 is not loopback: .*needs a control token/],
  ])("refuses %j with one line and exit 2", async (args, message) => {
    const { code, stdout, stderr } = await runCli(["simulate", "--port", "0", ...args], {
      timeoutMs: 20_000,
    });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(hasNoStackTrace(stderr)).toBe(true);
  });
});

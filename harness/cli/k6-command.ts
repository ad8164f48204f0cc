/**
 * `gp-harness k6 --out load.ts --region CONTROL_URL [--gateway URL] [--rate N --duration 30s | --stage 30s:50 ...]
 * [--threshold 'p(95)<800' ...] [--consent granted=8,refused=1,emergency=1]`: writes the harness's load as a
 * TypeScript k6 script (typed with @types/k6) pointed at the gateway of a running region, with the region's
 * patients. A threshold that does not parse, or a region that does not answer, is one line and exit 2.
 */
import { writeFile } from "node:fs/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import { ControlClient } from "../../simulators/index.js";
import { ThresholdError } from "../load/errors.js";
import { k6Script } from "../load/k6-script.js";
import { type ConsentShare, consentSequence } from "../load/load-step.js";
import { type ArrivalProfile, parseDuration, type RampingStage } from "../load/profile.js";
import { parseThreshold } from "../load/thresholds.js";
import { urlArg, wholeNumber } from "./arguments.js";
import { cliError } from "./errors.js";

const DEFAULT_THRESHOLDS = ["p(95)<4000", "rate<0.01"];

interface K6Flags {
  out: string;
  region: string;
  gateway: string;
  rate: number;
  duration: string;
  stage?: RampingStage[];
  maxVus?: number;
  threshold?: string[];
  consent: Partial<Record<ConsentShare, number>>;
  patients?: number;
}

function thresholdArg(value: string, previous: string[] | undefined): string[] {
  try {
    parseThreshold(value);
  } catch (error) {
    if (error instanceof ThresholdError) throw new InvalidArgumentError(error.message);
    throw error;
  }
  return [...(previous ?? []), value];
}

function durationArg(value: string): string {
  try {
    parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

function stageArg(value: string, previous: RampingStage[] | undefined): RampingStage[] {
  const match = /^([^:]+):(\d+(?:\.\d+)?)$/.exec(value);
  if (match === null) throw new InvalidArgumentError("must be DURATION:RATE, such as 30s:50");
  return [...(previous ?? []), { duration: durationArg(match[1]!), target: Number(match[2]) }];
}

function consentArg(value: string): Partial<Record<ConsentShare, number>> {
  const mix: Partial<Record<ConsentShare, number>> = {};
  for (const part of value.split(",")) {
    const match = /^(granted|refused|emergency)=(\d+(?:\.\d+)?)$/.exec(part.trim());
    if (match === null)
      throw new InvalidArgumentError("must be shares such as granted=8,refused=1,emergency=1");
    mix[match[1] as ConsentShare] = Number(match[2]);
  }
  return mix;
}

export function registerK6Command(cli: Command): void {
  cli
    .command("k6")
    .description("write the load as a TypeScript k6 script, pointed at a running region's gateway")
    .requiredOption("--out <file>", "where to write the script (e.g. load.ts)")
    .addOption(
      new Option("--region <url>", "the running region's control URL, whose patients the script asks for")
        .makeOptionMandatory()
        .argParser(urlArg),
    )
    .addOption(
      new Option("--gateway <url>", "the gateway the script loads (GATEWAY_URL overrides it when k6 runs)")
        .default("http://127.0.0.1:8080")
        .argParser(urlArg),
    )
    .addOption(new Option("--rate <n>", "arrivals per second").default(10).argParser(wholeNumber(1, 100_000)))
    .addOption(
      new Option("--duration <d>", "how long arrivals go on (k6 duration)")
        .default("30s")
        .argParser(durationArg),
    )
    .option(
      "--stage <duration:rate...>",
      "ramp instead, from --rate: e.g. --stage 1m:50 --stage 5m:50",
      stageArg,
    )
    .addOption(
      new Option("--max-vus <n>", "most requests in flight at once").argParser(wholeNumber(1, 100_000)),
    )
    .option(
      "--threshold <t...>",
      "a threshold in k6's syntax, e.g. 'p(95)<800' or 'rate<0.01' (repeatable)",
      thresholdArg,
    )
    .addOption(
      new Option("--consent <mix>", "shares of the consent answers")
        .default({ granted: 8, refused: 1, emergency: 1 }, "granted=8,refused=1,emergency=1")
        .argParser(consentArg),
    )
    .addOption(
      new Option("--patients <n>", "how many of the region's patients to use").argParser(
        wholeNumber(1, 1_000_000),
      ),
    )
    .action(async (flags: K6Flags) => {
      await exportK6(flags);
    });
}

async function exportK6(flags: K6Flags): Promise<void> {
  let info: Awaited<ReturnType<ControlClient["region"]>>;
  try {
    info = await new ControlClient(flags.region, { token: process.env.GP_HARNESS_CONTROL_TOKEN }).region();
  } catch (error) {
    throw cliError("REGION_UNREACHABLE", flags.region, (error as Error).message);
  }
  // Patients without traits: their records are answered as the consent asks, nothing else in the way.
  const patients = info.patients
    .filter((p) => p.traits.length === 0)
    .slice(0, flags.patients)
    .map((p) => ({ nhsNumber: p.nhsNumber, system: p.system }));
  if (patients.length === 0)
    throw cliError("BAD_FLAG_VALUE", "--region", "the region lists no plain patients");
  const pool = flags.maxVus === undefined ? {} : { maxVUs: flags.maxVus, preAllocatedVUs: flags.maxVus };
  const profile: ArrivalProfile =
    flags.stage === undefined
      ? { executor: "constant-arrival-rate", rate: flags.rate, duration: flags.duration, ...pool }
      : { executor: "ramping-arrival-rate", startRate: flags.rate, stages: flags.stage, ...pool };
  const script = k6Script({
    gatewayUrl: flags.gateway,
    profile: { ...profile, preAllocatedVUs: profile.preAllocatedVUs ?? Math.max(10, flags.rate * 2) },
    thresholds: flags.threshold ?? DEFAULT_THRESHOLDS,
    patients,
    consent: consentSequence(100, flags.consent),
    command: `gp-harness k6 ${process.argv.slice(2).join(" ")}`.trim(),
  });
  try {
    await writeFile(flags.out, script);
  } catch (error) {
    throw cliError("OUTPUT_NOT_WRITABLE", flags.out, (error as Error).message);
  }
  process.stdout.write(
    `wrote ${flags.out}: ${profile.executor} from ${flags.rate}/s, ${patients.length} patients, ` +
      `thresholds ${(flags.threshold ?? DEFAULT_THRESHOLDS).join(", ")}; run it with: k6 run ${flags.out}\n`,
  );
}

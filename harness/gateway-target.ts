/**
 * Gets hold of the gateway under test as its manifest describes it: already running at a URL, a command the
 * harness starts, or a container image; then the consumer profile to speak to it with.
 */
import { connect } from "node:net";
import { resolve } from "node:path";
import { CliError, cliError } from "./cli/errors.js";
import { freeLoopbackPort, type LaunchedGateway, launchCommand, launchImage } from "./launch/index.js";
import type { LoadedManifest } from "./manifest/load.js";
import { expand } from "./manifest/placeholders.js";
import { resolveProfile } from "./manifest/resolve.js";
import type { CommandLaunch, ImageLaunch } from "./manifest/types.js";
import { AdapterError, type ConsumerAdapter, loadAdapter } from "./north/adapter.js";
import { HARNESS_CONSUMER } from "./north/identity.js";
import type { NorthProfile } from "./north/profile.js";
import { redactText } from "./north/redaction.js";

export interface GatewayTarget {
  readonly name: string;
  readonly version: string | undefined;
  readonly launch: "url" | "command" | "image";
  /** The manifest file, when the gateway was described by one. */
  readonly manifestPath: string | undefined;
  readonly url: string;
  /** How to speak to it, and what it declares it can do. */
  readonly profile: NorthProfile;
  /** Its consumer adapter, loaded once, for profile `adapter`. */
  readonly adapter?: ConsumerAdapter;
  /** Values that must never be written to a report (from `${env:...}`). */
  readonly secrets: readonly string[];
  /** The last lines it printed, when the harness started it. */
  logs(): string[];
  stop(): Promise<void>;
}

export interface SpineAddresses {
  readonly pds: string;
  readonly sds: string;
}

/** Starts (or reaches) the gateway its manifest describes, pointed at the region's PDS and SDS. */
export async function startGateway(
  loaded: LoadedManifest,
  spine: SpineAddresses,
  signal?: AbortSignal,
): Promise<GatewayTarget> {
  const { manifest } = loaded;
  const adapter = await adapterOf(loaded);
  const secrets: string[] = [];
  const text = (template: string, known: Record<string, string>, where: string) => {
    const expansion = expand(template, known, where);
    secrets.push(...expansion.secrets);
    return expansion.text;
  };
  let launched: LaunchedGateway;
  try {
    launched = await reach(loaded, spine, text, signal);
  } catch (error) {
    if (signal?.aborted) throw cliError("INTERRUPTED_AT_START", "the gateway was starting");
    // What a gateway printed may quote its secrets back.
    if (error instanceof CliError) throw new CliError(error.code, redactText(error.message, secrets));
    throw error;
  }
  for (const value of Object.values(manifest.north?.headers ?? {})) {
    if (value !== null) secrets.push(...expand(value, PER_REQUEST_STAND_INS, "north.headers").secrets);
  }
  return {
    name: manifest.name,
    version: manifest.version,
    launch: manifest.launch.kind,
    manifestPath: loaded.path,
    url: launched.url,
    profile: resolveProfile(loaded, launched.url),
    ...(adapter === undefined ? {} : { adapter }),
    secrets: [...new Set(secrets)].filter((s) => s.length > 0),
    logs: () => launched.logs(),
    stop: () => launched.stop(),
  };
}

type Expander = (template: string, known: Record<string, string>, where: string) => string;

/** Reaches the gateway at its URL, or starts it as its manifest says. */
async function reach(
  loaded: LoadedManifest,
  spine: SpineAddresses,
  text: Expander,
  signal: AbortSignal | undefined,
): Promise<LaunchedGateway> {
  const manifest = loaded.manifest;
  const launch = manifest.launch;
  let launched: LaunchedGateway;
  if (launch.kind === "url") {
    const url = text(launch.url, {}, "launch.url");
    await probe(url);
    launched = { url, logs: () => [], stop: async () => {} };
  } else {
    const port = launch.port !== undefined && launch.port > 0 ? launch.port : await freeLoopbackPort();
    const known = {
      pds: spine.pds,
      sds: spine.sds,
      port: String(port),
      "consumer.ods": HARNESS_CONSUMER.ods,
      "consumer.asid": HARNESS_CONSUMER.asid,
    };
    const environment = Object.fromEntries(
      Object.entries(manifest.environment ?? {}).map(([name, value]) => [
        name,
        text(value, known, `environment.${name}`),
      ]),
    );
    const url = launch.url === undefined ? undefined : text(launch.url, known, "launch.url");
    const context = { manifestDir: loaded.dir, environment, url, port, ...(signal ? { signal } : {}) };
    if (launch.kind === "command") {
      const [program, ...args] = launch.argv.map((arg, i) => text(arg, known, `launch.argv[${i}]`));
      const argv: CommandLaunch["argv"] = [program ?? "", ...args];
      launched = await launchCommand({ ...launch, argv }, context);
    } else {
      const command = launch.command?.map((arg, i) => text(arg, known, `launch.command[${i}]`));
      const spec: ImageLaunch = command === undefined ? launch : { ...launch, command };
      launched = await launchImage(spec, context);
    }
  }
  return launched;
}

/** The consumer adapter a manifest names, loaded before anything starts (a broken one is exit 2). */
async function adapterOf(loaded: LoadedManifest): Promise<ConsumerAdapter | undefined> {
  const module = loaded.manifest.north?.adapter;
  if (module === undefined || loaded.manifest.north?.profile !== "adapter") return undefined;
  try {
    return await loadAdapter(resolve(loaded.dir, module));
  } catch (error) {
    if (error instanceof AdapterError) throw cliError("MANIFEST_INVALID", `north.adapter: ${error.message}`);
    throw error;
  }
}

/** Header templates are expanded per request; here only their `${env:...}` values are wanted. */
const PER_REQUEST_STAND_INS = { traceId: "", jwt: "", "consumer.ods": "", "consumer.asid": "" };

/** Fails fast, with the reason, when nothing accepts connections at the URL. */
async function probe(url: string): Promise<void> {
  const parsed = new URL(url);
  const shown = `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  const port = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(3_000, () => {
      socket.destroy();
      reject(cliError("GATEWAY_UNREACHABLE", shown, "no answer to a connection within 3 s"));
    });
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ECONNREFUSED" ? "connection refused (is it running?)" : error.message;
      reject(cliError("GATEWAY_UNREACHABLE", shown, why));
    });
  });
}

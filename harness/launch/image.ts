/**
 * Launches a gateway that is a container image (`launch.kind: "image"`) through Testcontainers: host
 * networking, the manifest's environment (and nothing of the harness's), an optional command, the harness's
 * readiness as the wait strategy, and a label on every container it starts (CONTAINER_LABEL) so none can be
 * lost. No image is pulled that is already on the machine, and none is looked for past a bounded wait. Every
 * failure is a CliError naming the cause, and leaves no container behind.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import type { ContainerRuntimeClient, StartedTestContainer } from "testcontainers";
import { CliError, cliError } from "../cli/errors.js";
import type { ImageLaunch } from "../manifest/types.js";
import { GatewayReadiness } from "./container-readiness.js";
import { LogRing } from "./log-ring.js";
import { ensurePortFree } from "./ports.js";
import { readinessProbe } from "./readiness.js";
import type { LaunchContext, LaunchedGateway } from "./types.js";

type Testcontainers = typeof import("testcontainers");

/** On every container the harness starts: `docker ps -a --filter label=gp-harness.run` lists them all. */
export const CONTAINER_LABEL = "gp-harness.run";
/** This harness process, as the label's value. */
const RUN_ID = randomUUID();
/** One launch, to find its container whatever step failed. */
const LAUNCH_LABEL = "gp-harness.launch";
/** How long the engine has to answer at all, and a pull to finish (a registry that does not answer). */
const ENGINE_BUDGET_MS = 15_000;
const DEFAULT_SOCKET = "/var/run/docker.sock";
const PULL_BUDGET_MS = 120_000;
/** The grace a stopped container has between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 3_000;

/** The launches whose container may run, removed by the exit hook if the harness exits without stopping them. */
const running = new Set<string>();
let exitHookInstalled = false;

export async function launchImage(spec: ImageLaunch, context: LaunchContext): Promise<LaunchedGateway> {
  context.signal?.throwIfAborted();
  const probe = readinessProbe(spec.ready, context.url, context.port);
  if (spec.port !== undefined && spec.port !== 0) await ensurePortFree(context.port);
  const testcontainers = await loadTestcontainers();
  const client = await connectToEngine(testcontainers);
  await ensureImage(testcontainers, client, spec.image);
  context.signal?.throwIfAborted();

  const launchId = randomUUID();
  watchOverExit(launchId);
  const logs = new LogRing();
  const readiness = new GatewayReadiness(probe, logs, context.signal);
  let container = new testcontainers.GenericContainer(spec.image)
    .withNetworkMode("host")
    .withEnvironment({ ...context.environment })
    .withLabels({ [CONTAINER_LABEL]: RUN_ID, [LAUNCH_LABEL]: launchId })
    .withWaitStrategy(readiness)
    .withStartupTimeout(probe.timeoutMs);
  if (spec.command !== undefined) container = container.withCommand([...spec.command]);
  let started: StartedTestContainer;
  try {
    started = await container.start();
    context.signal?.throwIfAborted();
  } catch (error) {
    await removeLaunch(client, launchId);
    running.delete(launchId);
    throw context.signal?.aborted ? context.signal.reason : startFailure(error);
  }
  return launched(started, launchId, readiness.url, logs);
}

function launched(
  started: StartedTestContainer,
  launchId: string,
  url: string,
  logs: LogRing,
): LaunchedGateway {
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    try {
      await started.stop({ timeout: STOP_GRACE_MS, remove: true, removeVolumes: true });
    } catch (error) {
      // Removed by someone else meanwhile: what stop() promises holds.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    running.delete(launchId);
  };
  return {
    url,
    logs: () => logs.lines(),
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}

/** Has the launch's container removed if the harness exits before stopping it. */
function watchOverExit(launchId: string): void {
  running.add(launchId);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", removeRunningContainers);
  }
}

/** The exit hook: synchronous, so through the docker command, where there is one; best effort. */
function removeRunningContainers(): void {
  for (const launchId of running) {
    const listed = spawnSync(
      "docker",
      ["ps", "--all", "--quiet", "--filter", `label=${LAUNCH_LABEL}=${launchId}`],
      {
        encoding: "utf8",
        timeout: 10_000,
      },
    );
    const ids = (listed.stdout ?? "").split("\n").filter((id) => id !== "");
    if (ids.length > 0) spawnSync("docker", ["rm", "--force", ...ids], { stdio: "ignore", timeout: 10_000 });
  }
}

/**
 * Testcontainers, loaded when an image is launched (a run against a URL or a command never pays for it),
 * without Ryuk (its image cannot be pulled where no registry is reachable; the harness removes its own
 * containers) and with the engine's host as loopback, unless the caller says otherwise.
 */
async function loadTestcontainers(): Promise<Testcontainers> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "127.0.0.1";
  return import("testcontainers");
}

async function connectToEngine(testcontainers: Testcontainers): Promise<ContainerRuntimeClient> {
  try {
    return await within(ENGINE_BUDGET_MS, testcontainers.getContainerRuntimeClient(), "no answer");
  } catch (error) {
    const host = process.env.DOCKER_HOST;
    const where =
      host !== undefined
        ? `DOCKER_HOST=${host} does not answer`
        : existsSync(DEFAULT_SOCKET)
          ? `${DEFAULT_SOCKET} does not answer`
          : `no DOCKER_HOST, no ${DEFAULT_SOCKET}`;
    throw cliError("DOCKER_UNREACHABLE", `${where} (${oneLine(error)})`);
  }
}

/** The image is on the machine, or is pulled; else IMAGE_UNAVAILABLE naming it, as soon as the engine says. */
async function ensureImage(
  testcontainers: Testcontainers,
  client: ContainerRuntimeClient,
  image: string,
): Promise<void> {
  const name = testcontainers.ImageName.fromString(image);
  if (await client.image.exists(name)) return;
  try {
    await within(
      PULL_BUDGET_MS,
      client.image.pull(name, { force: true, platform: undefined }),
      "no answer from its registry",
    );
  } catch (error) {
    throw cliError("IMAGE_UNAVAILABLE", image, oneLine(error));
  }
  // A pull that fails part-way can end without an error: the image is there or it is not.
  if (!(await client.image.exists(name)))
    throw cliError("IMAGE_UNAVAILABLE", image, "the pull brought nothing");
}

/** Removes whatever container this launch left, in whatever state (best effort: it may never have existed). */
async function removeLaunch(client: ContainerRuntimeClient, launchId: string): Promise<void> {
  try {
    const left = await client.container.dockerode.listContainers({
      all: true,
      filters: { label: [`${LAUNCH_LABEL}=${launchId}`] },
    });
    await Promise.all(
      left.map((info) =>
        client.container.dockerode
          .getContainer(info.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
  } catch {
    // The engine went away: nothing can be removed, and nothing of ours runs on it.
  }
}

function startFailure(error: unknown): Error {
  if (error instanceof CliError) return error;
  return cliError("GATEWAY_FAILED_TO_START", `the engine could not start its container: ${oneLine(error)}`);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/^\(HTTP code \d+\)\s*[\w ]+-\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
}

function within<T>(ms: number, work: Promise<T>, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${why} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

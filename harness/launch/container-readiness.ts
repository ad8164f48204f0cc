/**
 * A Testcontainers wait strategy that is the harness's own readiness (readiness.ts): while the container starts,
 * its output is streamed into the launch's log ring (stdout and stderr told apart), the `ready` probe runs on
 * the host's network, and a container that exits first is reported with its exit status and last lines.
 */
import { once } from "node:events";
import type { Socket } from "node:net";
import { PassThrough } from "node:stream";
import type { WaitStrategy } from "testcontainers";
import { collectLines, type LogRing } from "./log-ring.js";
import { type ReadinessProbe, waitUntilReady } from "./readiness.js";

type DockerContainer = Parameters<WaitStrategy["waitUntilReady"]>[0];

export class GatewayReadiness implements WaitStrategy {
  #url: string | undefined;

  constructor(
    private readonly probe: ReadinessProbe,
    private readonly logs: LogRing,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** The gateway's base URL, once ready. */
  get url(): string {
    if (this.#url === undefined) throw new Error("the gateway is not ready yet");
    return this.#url;
  }

  async waitUntilReady(container: DockerContainer): Promise<void> {
    const exited = followOutput(container, this.logs);
    this.#url = await waitUntilReady(this.probe, { logs: this.logs, exited, signal: this.signal });
  }

  // The budget is the manifest's ready.timeoutMs, which the probe carries.
  withStartupTimeout(): this {
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return true;
  }

  getStartupTimeout(): number {
    return this.probe.timeoutMs;
  }
}

/**
 * Streams the container's output into the ring for as long as it runs. Settles when it has stopped, saying how
 * (`status 3`); never, if its state cannot be read.
 */
async function followOutput(container: DockerContainer, logs: LogRing): Promise<string> {
  try {
    const stream = await container.logs({ follow: true, stdout: true, stderr: true });
    // Following the output must not keep the harness alive on its own.
    (stream as { socket?: Socket }).socket?.unref();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    container.modem.demuxStream(stream, stdout, stderr);
    const ended = once(stream, "end").catch(() => undefined);
    const drained = Promise.all([collectLines(stdout, "stdout", logs), collectLines(stderr, "stderr", logs)]);
    await ended;
    stdout.end();
    stderr.end();
    await drained;
  } catch {
    // No output to follow: the container's state below says what happened.
  }
  return howItStopped(container);
}

async function howItStopped(container: DockerContainer): Promise<string> {
  try {
    const { State: state } = await container.inspect();
    if (!state.Running) {
      const oom = state.OOMKilled ? ", out of memory" : "";
      const error = state.Error ? `: ${state.Error}` : "";
      return `status ${state.ExitCode}${oom}${error}`;
    }
  } catch {
    return "it was removed";
  }
  return new Promise<string>(() => {});
}

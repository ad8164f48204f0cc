/**
 * The launchers of a gateway under test, for the launches of a manifest that start something: a program
 * (`command`) or a container image (`image`, through Testcontainers). Each starts the gateway, waits until it
 * is ready, and hands back its URL, what it printed, and a way to stop it with nothing left running; each
 * failure is a CliError (exit status 2) naming the cause. An interrupted start (`signal`) rejects with the
 * signal's reason, after stopping what was started.
 */
export { launchCommand } from "./command.js";
export { CONTAINER_LABEL, launchImage } from "./image.js";
export { LOG_LINES_KEPT } from "./log-ring.js";
export { freeLoopbackPort } from "./ports.js";
export { STOP_GRACE_MS } from "./process-group.js";
export { DEFAULT_READY_TIMEOUT_MS } from "./readiness.js";
export type { LaunchContext, LaunchedGateway } from "./types.js";

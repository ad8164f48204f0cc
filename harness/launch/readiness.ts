/**
 * When a launched gateway is ready for requests: its `ready.http` probe answers the expected status, or a line
 * it prints matches `ready.log` — within `ready.timeoutMs`. Whatever the launcher (a process, a container), the
 * wait ends in one of four ways: ready (with the gateway's URL), exited first, never ready in time, or
 * interrupted; the first two failures are CliErrors naming the cause and quoting the gateway's last lines.
 */
import { setTimeout as delay } from "node:timers/promises";
import { request } from "undici";
import { cliError } from "../cli/errors.js";
import type { ReadinessSpec } from "../manifest/types.js";
import type { LogLine, LogRing } from "./log-ring.js";

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
/** Each HTTP attempt gets this long; between attempts the wait grows from the first to the last. */
const ATTEMPT_BUDGET_MS = 2_000;
const FIRST_RETRY_MS = 50;
const LAST_RETRY_MS = 1_000;

export type ReadinessProbe =
  | {
      readonly kind: "http";
      /** The gateway's base URL (what the launcher hands back once ready). */
      readonly url: string;
      /** The URL probed: the base URL and `ready.http.path`. */
      readonly target: string;
      readonly status: number;
      readonly timeoutMs: number;
      readonly description: string;
    }
  | {
      readonly kind: "log";
      readonly pattern: RegExp;
      /** The base URL, unless it is to be taken from the pattern's first group. */
      readonly url: string | undefined;
      readonly fallbackUrl: string;
      readonly timeoutMs: number;
      readonly description: string;
    };

/**
 * The probe a readiness spec asks for, checked before anything is started (a pattern that does not compile is
 * a configuration error). Without a `url`, the gateway's base URL is what `ready.log`'s first group captures,
 * else http://127.0.0.1:PORT.
 */
export function readinessProbe(spec: ReadinessSpec, url: string | undefined, port: number): ReadinessProbe {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const fallbackUrl = `http://127.0.0.1:${port}`;
  if (spec.log !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(spec.log);
    } catch (error) {
      throw cliError("GATEWAY_READY_PATTERN_INVALID", spec.log, (error as Error).message);
    }
    return { kind: "log", pattern, url, fallbackUrl, timeoutMs, description: `log line /${spec.log}/` };
  }
  if (spec.http !== undefined) {
    const base = url ?? fallbackUrl;
    const target = `${base.replace(/\/+$/, "")}/${spec.http.path.replace(/^\/+/, "")}`;
    const status = spec.http.status ?? 200;
    return { kind: "http", url: base, target, status, timeoutMs, description: `GET ${target} → ${status}` };
  }
  throw cliError("GATEWAY_FAILED_TO_START", "launch.ready names no probe (http or log)");
}

export interface ReadinessWatch {
  readonly logs: LogRing;
  /** Settles once the gateway has exited (never rejects), saying how: `status 3`, `signal SIGKILL`. */
  readonly exited: Promise<string>;
  readonly signal?: AbortSignal | undefined;
}

/** Waits until the gateway is ready and answers its base URL; rejects as described at the top. */
export function waitUntilReady(probe: ReadinessProbe, watch: ReadinessWatch): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const done = new AbortController();
    const cleanups: (() => void)[] = [];
    const settle = (outcome: () => void) => {
      if (done.signal.aborted) return;
      done.abort();
      for (const cleanup of cleanups) cleanup();
      outcome();
    };
    let lastAttempt = "";
    const timer = setTimeout(() => {
      const detail =
        lastAttempt === "" ? watch.logs.quoteLast() : `${lastAttempt}; ${watch.logs.quoteLast()}`;
      settle(() => reject(cliError("GATEWAY_NOT_READY", probe.description, probe.timeoutMs, detail)));
    }, probe.timeoutMs);
    cleanups.push(() => clearTimeout(timer));
    const signal = watch.signal;
    if (signal !== undefined) {
      const interrupted = () => settle(() => reject(signal.reason));
      signal.addEventListener("abort", interrupted, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", interrupted));
      if (signal.aborted) return interrupted();
    }
    void watch.exited.then((how) =>
      settle(() => reject(cliError("GATEWAY_EXITED_BEFORE_READY", how, watch.logs.quoteLast()))),
    );
    if (probe.kind === "log") {
      const onLine = (line: LogLine) => {
        const url = urlFromLine(probe, line);
        if (url !== undefined) settle(() => (url instanceof Error ? reject(url) : resolve(url)));
      };
      for (const line of watch.logs.entries()) onLine(line);
      if (!done.signal.aborted) cleanups.push(watch.logs.subscribe(onLine));
    } else {
      const note = (outcome: string) => {
        lastAttempt = `last attempt: ${outcome}`;
      };
      void pollHttp(probe.target, probe.status, done.signal, note).then((ready) => {
        if (ready) settle(() => resolve(probe.url));
      });
    }
  });
}

/** The base URL when the line matches (captured, or the launch's), an Error when the capture is no URL. */
function urlFromLine(
  probe: Extract<ReadinessProbe, { kind: "log" }>,
  line: LogLine,
): string | Error | undefined {
  const match = probe.pattern.exec(line.text);
  if (match === null) return undefined;
  if (probe.url !== undefined) return probe.url;
  const captured = match[1];
  if (captured === undefined) return probe.fallbackUrl;
  if (URL.canParse(captured)) return captured;
  return cliError(
    "GATEWAY_FAILED_TO_START",
    `launch.ready.log matched "${line.text}", but what its first group captured ("${captured}") is not a URL`,
  );
}

/** GETs the target until it answers `status` (true), or until `signal` ends the wait (false). */
async function pollHttp(
  target: string,
  status: number,
  signal: AbortSignal,
  note: (outcome: string) => void,
): Promise<boolean> {
  let wait = FIRST_RETRY_MS;
  while (!signal.aborted) {
    const outcome = await attempt(target, status, signal);
    if (outcome === "ready") return true;
    note(outcome);
    try {
      await delay(wait, undefined, { signal });
    } catch {
      return false;
    }
    wait = Math.min(wait * 1.5, LAST_RETRY_MS);
  }
  return false;
}

/** One GET, bounded: "ready", or what happened instead. */
async function attempt(target: string, status: number, signal: AbortSignal): Promise<string> {
  const bounded = new AbortController();
  const timer = setTimeout(() => bounded.abort(), ATTEMPT_BUDGET_MS);
  const relay = () => bounded.abort();
  signal.addEventListener("abort", relay, { once: true });
  try {
    const response = await request(target, { method: "GET", signal: bounded.signal, reset: true });
    await response.body.dump();
    return response.statusCode === status ? "ready" : `it answered ${response.statusCode}`;
  } catch (error) {
    if (bounded.signal.aborted) return `no answer within ${ATTEMPT_BUDGET_MS} ms`;
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ECONNREFUSED" ? "connection refused" : (error as Error).message;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", relay);
  }
}

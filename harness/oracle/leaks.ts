/**
 * What an error answer must not carry, found with the harness's own patterns: the gateway's insides (stack
 * traces, file paths, the internal addresses it calls) and the patient's details.
 *
 * The NHS number is not counted as a leak: it is the identifier the consumer itself sent, and GP Connect's
 * error handling guidance lets an OperationOutcome's diagnostics name the parameter that was wrong, so echoing
 * it discloses nothing the caller did not already hold. A name, date of birth or address does: they come from
 * PDS or the practice, and telling them to a caller who was refused confirms who the patient is.
 */

/** The patient's details an error must not disclose; any may be missing. */
export interface PatientDetails {
  readonly name?: string;
  /** YYYY-MM-DD. */
  readonly birthDate?: string;
  /** Address lines and postcode. */
  readonly address?: readonly string[];
}

export interface LeakContext {
  /** Base URLs of the services behind the gateway (PDS, SDS, practices, the control API). */
  readonly internalUrls?: readonly string[];
  readonly patient?: PatientDetails;
}

/** The kinds of leak, each one named check. */
export const LEAK_KINDS = {
  stackTrace: "no stack trace",
  filePath: "no file path",
  internalAddress: "no internal address",
  patientDetails: "no patient details",
} as const;
export type LeakKind = keyof typeof LEAK_KINDS;

const STACK_TRACES: readonly RegExp[] = [
  /\bat (?:async )?[\w$.<>[\]]+ \([^()\s]+:\d+:\d+\)/, // Node: at foo (file.js:1:2)
  /\bat (?:async )?(?:file:\/\/)?[^\s()]+\.(?:m?js|cjs|ts):\d+:\d+/, // Node: at /app/x.js:1:2
  /\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)/, // Java: at a.b.C.d(C.java:12)
  /\bat [\w.`<>]+\([^()]*\) in [^\n]+:line \d+/, // .NET: at A.B() in C:\x.cs:line 3
  /\b(?:java|javax|org|com|System)\.[\w.$]*(?:Exception|Error)\b/, // java.lang.NullPointerException
  /Traceback \(most recent call last\)/, // Python
  /File "[^"]+", line \d+/,
];

const FILE_PATHS: readonly RegExp[] = [
  /(?:^|[^\w/.])\/(?:home|usr|app|opt|srv|var|tmp|root|etc|workspace|src)\/[\w.-]+/,
  /\b[A-Za-z]:\\{1,2}[\w.$-]/,
  /node_modules/,
  /\bfile:\/\/\//,
];

const LOOPBACK = /\b(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0)(?::\d{2,5})|\[::1?\](?::\d{2,5})/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function firstMatch(text: string, patterns: readonly RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const found = pattern.exec(text);
    if (found) return found[0].trim();
  }
  return undefined;
}

/** host:port of each URL (the part a leak would show), skipping what is not a URL. */
function hostsOf(urls: readonly string[]): string[] {
  return urls.flatMap((url) => {
    try {
      return [new URL(url).host];
    } catch {
      return [];
    }
  });
}

function patientPatterns(patient: PatientDetails | undefined): RegExp[] {
  if (patient === undefined) return [];
  const words: string[] = [];
  if (patient.name) {
    words.push(patient.name);
    const family = patient.name.trim().split(/\s+/).at(-1);
    if (family !== undefined && family.length >= 3) words.push(family);
  }
  if (patient.birthDate) words.push(patient.birthDate);
  for (const line of patient.address ?? []) if (line.trim().length >= 4) words.push(line.trim());
  return words.map((word) => new RegExp(`(?<![\\p{L}\\d])${escapeRegExp(word)}(?![\\p{L}\\d])`, "u"));
}

/** What of each kind the text carries (the first piece seen), or undefined when it carries nothing of it. */
export function leaksIn(text: string, context: LeakContext = {}): Record<LeakKind, string | undefined> {
  const hosts = hostsOf(context.internalUrls ?? []).map((host) => new RegExp(escapeRegExp(host), "i"));
  return {
    stackTrace: firstMatch(text, STACK_TRACES),
    filePath: firstMatch(text, FILE_PATHS),
    internalAddress: firstMatch(text, [...hosts, LOOPBACK]),
    patientDetails: firstMatch(text, patientPatterns(context.patient)),
  };
}

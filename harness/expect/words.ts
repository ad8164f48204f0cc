/** How checks put what they saw into words. */
import type { GatewayAnswer } from "../north/consumer.js";
import { spineErrorCode } from "../oracle/operation-outcome.js";

/** The "HTTP status N" check's verdict, as check arguments. */
export function statusVerdict(answer: GatewayAnswer, expected: number): [string, boolean, string] {
  return [
    `HTTP status ${expected}`,
    answer.status === expected,
    answer.status === 0
      ? `no HTTP answer: ${answer.error}`
      : `the gateway answered ${answer.status}${codeNote(answer)}`,
  ];
}

export function describeWarnings(lists: readonly string[][]): string {
  if (lists.length === 0) return "the record holds no such List";
  return lists
    .map((codes) => (codes.length === 0 ? "no warning" : `warnings: ${codes.join(", ")}`))
    .join("; ");
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export function codeNote(answer: GatewayAnswer): string {
  const code = spineErrorCode(answer.body);
  return code === undefined ? "" : ` (${code})`;
}

export function describeBody(answer: GatewayAnswer): string {
  if (answer.status === 0) return `missing: ${answer.error}`;
  if (answer.problem !== undefined) return `unreadable: ${answer.problem}`;
  const type = (answer.body as { resourceType?: unknown } | undefined)?.resourceType;
  if (typeof type === "string") return `a ${type}${codeNote(answer)}`;
  return answer.text === "" ? "empty" : "not FHIR JSON";
}

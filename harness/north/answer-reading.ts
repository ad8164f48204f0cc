/**
 * Reading a gateway's answer as untrusted input: within a size bound (a larger answer is stopped, not read),
 * decoded as strict UTF-8, and checked before it is parsed for what would make it dangerous or ambiguous —
 * nesting deeper than any record needs (which would overflow the stacks of whatever reads it next), the same
 * member twice in one object, a byte-order mark, escapes of half a character — each of which a consumer could
 * read two ways. What is wrong is a `problem` in words; the answer then has no parsed body.
 */
import type { Dispatcher } from "undici";

export interface AnswerLimits {
  /** The most bytes read of one answer (default 16 MiB: the largest real records are a few MB). */
  readonly maxBytes: number;
  /** The deepest nesting of arrays and objects accepted (default 64: a GP Connect record needs about 12). */
  readonly maxDepth: number;
}

export const DEFAULT_ANSWER_LIMITS: AnswerLimits = { maxBytes: 16 * 1024 * 1024, maxDepth: 64 };

export interface ReadBody {
  /** The text read (all of it, or what was read before a problem stopped the reading). */
  readonly text: string;
  /** How many bytes the answer had, or at least (when it was too large to read whole). */
  readonly bytes: number;
  /** Why the answer cannot be read as it is (undefined: it can). */
  readonly problem?: string;
}

/** Reads the body within `maxBytes`, decoding strict UTF-8; a larger body is stopped (its socket closed). */
export async function readBounded(
  body: Dispatcher.ResponseData["body"],
  limits: AnswerLimits,
  declaredBytes?: number,
): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const tooLarge = (): ReadBody => {
    body.destroy();
    const announced = declaredBytes === undefined ? "" : ` (it announced ${formatBytes(declaredBytes)})`;
    return {
      text: Buffer.concat(chunks).subarray(0, 4096).toString("utf8"),
      bytes: Math.max(bytes, declaredBytes ?? 0),
      problem: `the answer is larger than ${formatBytes(limits.maxBytes)}${announced}: reading stopped there`,
    };
  };
  if (declaredBytes !== undefined && declaredBytes > limits.maxBytes) return tooLarge();
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes > limits.maxBytes) return tooLarge();
    chunks.push(buffer);
  }
  const all = Buffer.concat(chunks);
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(all), bytes };
  } catch {
    const at = firstInvalidUtf8(all);
    return {
      text: all.toString("utf8"),
      bytes,
      problem: `the answer is not valid UTF-8 (the first bad byte is at offset ${at})`,
    };
  }
}

/**
 * What makes a JSON text unsafe or ambiguous to read, found in one pass without parsing it: undefined when
 * nothing does. (Malformed JSON is left to the parser: it is not ambiguous, only broken.)
 */
export function jsonProblem(text: string, maxDepth: number): string | undefined {
  if (text.charCodeAt(0) === 0xfeff) return "the answer starts with a byte-order mark, which JSON forbids";
  const keys: Array<Set<string> | undefined> = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const literal = text.slice(i, end + 1);
      if (
        /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F]/.test(
          literal,
        )
      ) {
        return `the answer holds half a character (an unpaired surrogate escape) at offset ${i}`;
      }
      const members = keys.at(-1);
      if (expectingKey && members !== undefined) {
        const key = safeParse(literal);
        if (key !== undefined && members.has(key)) {
          return `the answer names the member "${key.slice(0, 60)}" twice in one object (at offset ${i}): readers differ on which to believe`;
        }
        if (key !== undefined) members.add(key);
      }
      expectingKey = false;
      i = end;
    } else if (c === "{" || c === "[") {
      keys.push(c === "{" ? new Set() : undefined);
      if (keys.length > maxDepth) return `the answer is nested more than ${maxDepth} levels deep`;
      expectingKey = c === "{";
    } else if (c === "}" || c === "]") {
      keys.pop();
      expectingKey = false;
    } else if (c === ",") {
      expectingKey = keys.at(-1) !== undefined;
    }
  }
  return undefined;
}

/** The index of the quote closing the string that opens at `start` (or the text's end). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

function safeParse(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    const second = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f)) return i;
    if ((b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return bytes.length;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

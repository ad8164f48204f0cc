/**
 * What a launched gateway prints, kept line by line in a bounded ring (the oldest lines dropped first), with
 * the stream each line came from; listeners see each line as it arrives (the `ready.log` probe is one).
 */
import type { Readable } from "node:stream";
import { stripVTControlCharacters } from "node:util";

export type StreamName = "stdout" | "stderr";

export interface LogLine {
  readonly stream: StreamName;
  readonly text: string;
}

/** Lines kept by default: enough to see how a gateway got where it is, bounded whatever it prints. */
export const LOG_LINES_KEPT = 500;
/** A line longer than this is cut (and what follows it, up to the next newline, kept as lines of its own). */
const LONGEST_LINE = 8_192;
/** How many of the last lines an error message quotes, and how much of each. */
const QUOTED_LINES = 5;
const QUOTED_LINE_LENGTH = 200;

export class LogRing {
  readonly #lines: LogLine[] = [];
  #next = 0;
  readonly #listeners = new Set<(line: LogLine) => void>();

  constructor(private readonly capacity = LOG_LINES_KEPT) {}

  add(stream: StreamName, text: string): void {
    const line = { stream, text };
    if (this.#lines.length < this.capacity) this.#lines.push(line);
    else this.#lines[this.#next] = line;
    this.#next = (this.#next + 1) % this.capacity;
    for (const listener of this.#listeners) listener(line);
  }

  /** The lines kept, oldest first. */
  entries(): LogLine[] {
    if (this.#lines.length < this.capacity) return [...this.#lines];
    return [...this.#lines.slice(this.#next), ...this.#lines.slice(0, this.#next)];
  }

  /** The lines kept, oldest first, as `[stream] text`. */
  lines(): string[] {
    return this.entries().map((line) => `[${line.stream}] ${line.text}`);
  }

  /** Calls `listener` with each line from now on; the function returned stops it. */
  subscribe(listener: (line: LogLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The last few lines, for an error message (one line of text). */
  quoteLast(): string {
    const last = this.lines().slice(-QUOTED_LINES);
    if (last.length === 0) return "it printed nothing";
    const cut = last.map((line) => {
      // Colours and other terminal controls would garble the one line the error is printed as.
      const plain = stripVTControlCharacters(line).replace(/\p{Cc}/gu, " ");
      return plain.length > QUOTED_LINE_LENGTH ? `${plain.slice(0, QUOTED_LINE_LENGTH)}…` : plain;
    });
    return `its last lines: ${cut.join(" | ")}`;
  }
}

/**
 * Feeds a stream's lines into the ring (blank lines aside, a carriage return before the newline dropped).
 * Resolves when the stream has ended, closed or failed: everything it carried is in the ring.
 */
export function collectLines(stream: Readable, name: StreamName, ring: LogRing): Promise<void> {
  let buffered = "";
  const emit = (line: string) => {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() !== "") ring.add(name, text);
  };
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) emit(line);
    while (buffered.length > LONGEST_LINE) {
      emit(buffered.slice(0, LONGEST_LINE));
      buffered = buffered.slice(LONGEST_LINE);
    }
  });
  return new Promise((resolve) => {
    const finish = () => {
      if (buffered !== "") emit(buffered);
      buffered = "";
      resolve();
    };
    stream.once("end", finish);
    stream.once("close", finish);
    stream.once("error", finish);
  });
}

/**
 * A Bundle as the bytes a practice answers with: byte for byte `Buffer.from(JSON.stringify(bundle))`, made with
 * less copying. JSON.stringify builds a record's text as a tree of pieces, and turning a text of 100 KB or more
 * into bytes first copies it whole into one flat string, a large object of its own. Here the entries are
 * stringified a few dozen at a time and each piece is written as UTF-8 straight into one reused buffer, so no
 * large string is ever made; the answer is one copy of the bytes written.
 */

/** Entries stringified together: pieces of some tens of kilobytes, well under a large object's size. */
const ENTRIES_PER_PIECE = 30;

/** Beyond this the bytes are made the plain way, so one very large record does not keep a huge buffer. */
const SCRATCH_MAX_BYTES = 8 * 1024 * 1024;

let scratch = Buffer.allocUnsafeSlow(256 * 1024);

/** Room for `more` bytes after `used`, growing the scratch buffer (keeping what is written); false if too big. */
function room(used: number, more: number): boolean {
  const needed = used + more;
  if (needed <= scratch.length) return true;
  if (needed > SCRATCH_MAX_BYTES) return false;
  let size = scratch.length * 2;
  while (size < needed) size *= 2;
  const grown = Buffer.allocUnsafeSlow(Math.min(size, SCRATCH_MAX_BYTES));
  scratch.copy(grown, 0, 0, used);
  scratch = grown;
  return true;
}

/** A UTF-16 code unit is at most three bytes of UTF-8 (a surrogate pair, two units, is four). */
const maxBytes = (text: string) => text.length * 3;

const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;

/**
 * The entries, as JSON text written at `at`: "[", the entries joined with ",", "]". Each piece is a JSON array
 * of some entries; its "[" becomes the "," after the entries before it, and its "]" is written over by the
 * next piece. Answers the end of what was written, or -1 when it does not fit.
 */
function writeEntries(entries: readonly unknown[], at: number): number {
  if (entries.length === 0) return room(at, 2) ? at + scratch.write("[]", at, "latin1") : -1;
  let end = at;
  for (let first = 0; first < entries.length; first += ENTRIES_PER_PIECE) {
    const piece = JSON.stringify(entries.slice(first, first + ENTRIES_PER_PIECE));
    if (!room(end, maxBytes(piece))) return -1;
    const start = end;
    end += scratch.write(piece, end, "utf8");
    if (first > 0) scratch[start] = COMMA;
    // The piece's "]": kept only after the last piece.
    end -= 1;
  }
  return end + 1;
}

/** Whether `bundle` is written as JSON.stringify writes it by putting its entries after its other members. */
function entriesLast(bundle: object): bundle is { entry: readonly unknown[] } {
  if (Object.getPrototypeOf(bundle) !== Object.prototype || "toJSON" in bundle) return false;
  const keys = Object.keys(bundle);
  const entry = (bundle as { entry?: unknown }).entry;
  return (
    keys[keys.length - 1] === "entry" &&
    Array.isArray(entry) &&
    Object.getPrototypeOf(entry) === Array.prototype &&
    !("toJSON" in entry)
  );
}

/** `Buffer.from(JSON.stringify(bundle))`, the same bytes (see above). */
export function bundleBody(bundle: fhir.Bundle): Buffer {
  if (!entriesLast(bundle)) return Buffer.from(JSON.stringify(bundle));
  const { entry, ...members } = bundle;
  const head = JSON.stringify(members);
  // `{...}` without its "}", then the entries as its last member.
  const start = head === "{}" ? '{"entry":' : `${head.slice(0, -1)},"entry":`;
  if (!room(0, maxBytes(start))) return Buffer.from(JSON.stringify(bundle));
  const afterStart = scratch.write(start, 0, "utf8");
  const afterEntries = writeEntries(entry, afterStart);
  if (afterEntries < 0 || !room(afterEntries, 1)) return Buffer.from(JSON.stringify(bundle));
  scratch[afterEntries] = CLOSE_BRACE;
  return Buffer.from(scratch.subarray(0, afterEntries + 1));
}

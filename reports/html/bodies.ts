/**
 * Bodies, headers and other documents of the evidence. A short one is shown whole; a long one is folded
 * (`<details>`) with its size stated and a one-line preview that says how much of it the preview leaves out.
 * Nothing is ever cut: the fold holds the whole text.
 */
import { elementText, type Html, html, sizeText } from "./markup.js";

/** Longest text shown whole without a fold. */
export const INLINE_LIMIT = 600;
/** Longest preview, in characters, in a fold's summary line. */
export const PREVIEW_LENGTH = 120;
/**
 * Above this size (characters of compact JSON) a JSON body is shown compact, not indented: indenting a large
 * record would double the report's size for text nobody reads line by line.
 */
export const PRETTY_LIMIT = 128 * 1024;

interface Shown {
  readonly text: string;
  readonly kind: string;
}

/** The text of a body as it is shown, and what it is ("JSON Bundle", "text"). */
export function bodyText(body: unknown): Shown {
  if (typeof body === "string") {
    const parsed = parsedJson(body);
    if (parsed === undefined) return { text: body, kind: "text" };
    const compact = body.length > PRETTY_LIMIT;
    return {
      text: compact ? body : JSON.stringify(parsed, null, 2),
      kind: `${jsonKind(parsed)}, received as text${compact ? "" : ", shown indented"}`,
    };
  }
  const compact = JSON.stringify(body) ?? String(body);
  if (compact.length > PRETTY_LIMIT) return { text: compact, kind: `${jsonKind(body)}, shown compact` };
  return { text: JSON.stringify(body, null, 2), kind: jsonKind(body) };
}

function parsedJson(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function jsonKind(value: unknown): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const type = (value as { resourceType?: unknown }).resourceType;
    if (typeof type === "string") return `JSON ${type}`;
  }
  return "JSON";
}

/** A body under a label: "none" when absent, whole when short, else folded with its size and a preview. */
export function bodyView(label: string, body: unknown): Html {
  if (body === undefined) return html`<p class="muted">${label}: none</p>`;
  return documentView(label, bodyText(body));
}

/** Any document (a world, JWT claims, logs) shown like a body. */
export function documentView(label: string, shown: Shown): Html {
  const { text, kind } = shown;
  const bytes = Buffer.byteLength(text, "utf8");
  if (text.length <= INLINE_LIMIT && text.split("\n").length <= 24) {
    return html`<div class="doc"><div class="doc-label">${label} <span class="muted">(${kind}, ${sizeText(bytes)})</span></div><pre>${elementText(text)}</pre></div>`;
  }
  const oneLine = text.replace(/\s+/g, " ").trim();
  const preview = oneLine.slice(0, PREVIEW_LENGTH);
  return html`<details class="doc fold" data-size="${bytes}"><summary><span class="doc-label">${label}</span> <span class="muted">(${kind}, ${sizeText(bytes)})</span><br><code class="preview">${preview}</code> <span class="muted">… a preview of ${preview.length} of ${text.length.toLocaleString("en-GB")} characters (${(text.length - preview.length).toLocaleString("en-GB")} left out here); open to see the whole</span></summary><pre>${elementText(text)}</pre></details>`;
}

/** Headers as a two-column table (names and values are the gateway's: escaped). */
export function headersView(label: string, headers: Readonly<Record<string, string>> | undefined): Html {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return html`<p class="muted">${label}: none</p>`;
  return html`<table class="headers"><caption>${label}</caption><tbody>${entries.map(
    ([name, value]) => html`<tr><th scope="row">${name}</th><td>${value}</td></tr>`,
  )}</tbody></table>`;
}

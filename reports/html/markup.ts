/**
 * HTML built so that escaping is the default: every value put into the `html` template is escaped unless it is
 * already `Html` (markup this writer made). Everything the gateway said — bodies, headers, messages, check
 * details, logs — reaches the page only as text.
 */

/** Markup made by this writer, safe to put into a page as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Content = Html | string | number | boolean | undefined | null | readonly Content[];

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for an element's content and for a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Text as an element's content (never an attribute's): only `&`, `<` and `>` need escaping there, and a large
 * JSON body does not swell by a `&quot;` for every quote.
 */
export function elementText(text: string): Html {
  return new Html(text.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c));
}

function render(value: Content): string {
  if (value === undefined || value === null || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** A template whose interpolated values are escaped (arrays are joined, `Html` is kept as it is). */
export function html(strings: TemplateStringsArray, ...values: readonly Content[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Joins pieces of markup, escaping any text among them. */
export function join(parts: readonly Content[], separator = ""): Html {
  return new Html(parts.map(render).join(separator));
}

/**
 * A link to an outside page, only for http(s) addresses (a `javascript:` or `data:` address is shown as text).
 * It is followed only when the reader clicks it: the page itself loads nothing.
 */
export function externalLink(url: string, text: string): Html {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return html`${text} (${url})`;
  return html`<a href="${url}" rel="noreferrer noopener" target="_blank">${text}</a>`;
}

/**
 * A scenario's element id, so `report.html#CONSENT-02` opens at its evidence: its id, with anything but
 * letters, digits, `-` and `_` made `_` (the page's own sections have lower-case ids, scenarios upper-case).
 */
export function anchorOf(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** A byte count as people read it: "812 B", "12.4 kB", "3.1 MB". */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A duration as people read it: "27.2 ms", "113 ms", "3.2 s", "2 min 5 s". */
export function durationText(ms: number): string {
  if (ms < 100) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

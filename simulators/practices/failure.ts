/** The outcome of checking part of a request: a value, or the GP Connect error to answer with. */
import type { GpcErrorCode } from "../../gpconnect/error-codes.js";

export interface GpcFailure {
  readonly code: GpcErrorCode;
  readonly diagnostics: string;
  /** HTTP status when it differs from the catalogue's (415 and 413 carry BAD_REQUEST). */
  readonly status?: number;
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: GpcFailure };

export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });

export const fail = (
  code: GpcErrorCode,
  diagnostics: string,
  status?: number,
): { ok: false; failure: GpcFailure } => ({
  ok: false,
  failure: status === undefined ? { code, diagnostics } : { code, diagnostics, status },
});

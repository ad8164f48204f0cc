/**
 * Placeholders in a manifest's text: `${name}` for a value the harness knows (`${pds}`, `${port}`,
 * `${traceId}`...) and `${env:NAME}` for a value from the caller's environment. Values taken from the
 * environment are secrets: the expansion says which text came from there, so reports can redact it.
 */

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class PlaceholderError extends Error {
  constructor(
    /** Where the text is in the manifest, e.g. `north.headers.Authorization`. */
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

export interface Expansion {
  readonly text: string;
  /** The values that came from `${env:...}`: never written to a report. */
  readonly secrets: readonly string[];
}

/**
 * Expands every placeholder of `template`. `known` holds the values this place may use; a placeholder not
 * in it, or an `${env:NAME}` whose variable is unset, is an error naming it and where it is.
 */
export function expand(
  template: string,
  known: Readonly<Record<string, string>>,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): Expansion {
  const secrets: string[] = [];
  const text = template.replace(PLACEHOLDER, (_, inner: string) => {
    const name = inner.trim();
    if (name.startsWith("env:")) {
      const variable = name.slice(4);
      if (!ENV_NAME.test(variable)) {
        throw new PlaceholderError(where, `"\${${inner}}" does not name an environment variable`);
      }
      const value = env[variable];
      if (value === undefined || value === "") {
        throw new PlaceholderError(where, `the environment variable ${variable} is not set`);
      }
      secrets.push(value);
      return value;
    }
    const value = known[name];
    if (value === undefined) {
      const allowed = Object.keys(known)
        .map((k) => `\${${k}}`)
        .concat(`\${env:NAME}`)
        .join(", ");
      throw new PlaceholderError(where, `unknown placeholder "\${${inner}}" (here: ${allowed})`);
    }
    return value;
  });
  return { text, secrets };
}

/** The placeholder names `template` uses, `env:` ones included (for checks made before values exist). */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? "").trim());
}

/**
 * The frame of the control API's OpenAPI 3 document (title, version, description, tags, security) as
 * @fastify/swagger takes it, and the document's shape as its readers use it. The paths and components come
 * from the routes' schemas and the shared schemas (see schemas.ts), so the document describes what the
 * routes check.
 */
import type { SwaggerOptions } from "@fastify/swagger";
import type { JsonSchema } from "./schemas.js";

export const CONTROL_API_VERSION = "1.3.0";

export const CONTROL_OPENAPI_OPTIONS: SwaggerOptions = {
  openapi: {
    openapi: "3.0.3",
    info: {
      title: "gp-harness simulated region: control API",
      version: CONTROL_API_VERSION,
      description:
        "Drives a simulated region (PDS, SDS and GP practices): read where everything is, add practices, " +
        "patients and consumer organisations, set and clear faults, switch clinical areas off at a practice, " +
        "name the consumer organisations a practice has no data-sharing agreement with, read and clear the " +
        "journal of every request the simulators received. Served to loopback callers only, unless the " +
        "region was started with a control token; then to any caller presenting it as a bearer token. " +
        'Errors are JSON `{"error": "..."}` naming the field at fault. Requests are checked against the ' +
        "schemas below; a field's `x-expected` is how a refusal describes a valid value.",
    },
    tags: [
      { name: "region", description: "Where everything is, and this description" },
      {
        name: "population",
        description: "Practices, patients and consumer organisations, added at run time",
      },
      { name: "practices", description: "A practice's settings, changed at run time" },
      { name: "faults", description: "What is wrong with PDS, SDS or a practice" },
      { name: "journal", description: "Every request the simulators received" },
    ],
    components: { securitySchemes: { controlToken: { type: "http", scheme: "bearer" } } },
    security: [{}, { controlToken: [] }],
  },
  // Components are named by their `$id` (Fault, JournalEntry), not numbered.
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, i) =>
      typeof json.$id === "string" ? json.$id : `def-${i}`,
  },
};

export interface ParameterObject {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required?: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface MediaTypeObject {
  readonly schema: JsonSchema;
}

export interface ResponseObject {
  readonly description: string;
  readonly content?: Readonly<Record<string, MediaTypeObject>>;
}

export interface OperationObject {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly ParameterObject[];
  readonly requestBody?: {
    readonly required: boolean;
    readonly content: Readonly<Record<string, MediaTypeObject>>;
  };
  readonly responses: Readonly<Record<string, ResponseObject>>;
}

export type HttpMethodName = "get" | "put" | "post" | "delete";
export type PathItemObject = Partial<Record<HttpMethodName, OperationObject>>;

/** The control API's OpenAPI 3.0 document, as `GET /_control/openapi.json` serves it. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, PathItemObject>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, { readonly type: "http"; readonly scheme: "bearer" }>>;
  };
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
}

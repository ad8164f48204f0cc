/**
 * The content type GP Connect answers carry, read with the harness's own code: FHIR STU3 JSON,
 * `application/fhir+json`, in UTF-8 (GP Connect 1.6, FHIR API guidance: content types). A `charset` other than
 * UTF-8 is refused; other parameters (`fhirVersion`) are allowed, as the FHIR specification allows them.
 */

/** The FHIR JSON media type of STU3. */
export const FHIR_JSON_MEDIA_TYPE = "application/fhir+json";

export type ContentTypeReading = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** Whether a Content-Type header names FHIR JSON in UTF-8, or what keeps it from doing so. */
export function readFhirJsonContentType(header: string | undefined): ContentTypeReading {
  if (header === undefined || header.trim() === "") {
    return { ok: false, problem: `no Content-Type; GP Connect answers ${FHIR_JSON_MEDIA_TYPE}` };
  }
  const [mediaType = "", ...parameters] = header.split(";").map((part) => part.trim());
  if (mediaType.toLowerCase() !== FHIR_JSON_MEDIA_TYPE) {
    return { ok: false, problem: `Content-Type is ${header}; GP Connect answers ${FHIR_JSON_MEDIA_TYPE}` };
  }
  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=").map((part) => part.trim());
    const charset = value.replace(/^"(.*)"$/, "$1").toLowerCase();
    if (name.toLowerCase() === "charset" && charset !== "utf-8") {
      return { ok: false, problem: `Content-Type is ${header}; GP Connect answers in UTF-8` };
    }
  }
  return { ok: true };
}

/**
 * The Spine Secure Proxy headers of a GP Connect request, lower-case as HTTP/2 and Node name them. A provider
 * behind the proxy receives all four beside the bearer JWT.
 */

/** A UUID for the request, for tracing across the proxy. */
export const SSP_TRACE_ID = "ssp-traceid";
/** The consumer system's ASID. */
export const SSP_FROM = "ssp-from";
/** The provider system's ASID. */
export const SSP_TO = "ssp-to";
/** The interaction id of the operation asked for. */
export const SSP_INTERACTION_ID = "ssp-interactionid";

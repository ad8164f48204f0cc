/**
 * The consumer systems SDS knows besides the practices: the accredited systems allowed to ask practices
 * for records. Their ASIDs are what `Ssp-From` carries.
 */
export interface DirectoryConsumer {
  readonly ods: string;
  readonly asid: string;
  readonly name: string;
}

/** The harness, playing the urgent-care clinician's system. */
export const HARNESS_CONSUMER: DirectoryConsumer = {
  ods: "Y99001",
  asid: "999000000001",
  name: "gp-harness consumer",
};

/** The bundled reference gateway. */
export const REFERENCE_GATEWAY_CONSUMER: DirectoryConsumer = {
  ods: "Y99002",
  asid: "999000000002",
  name: "gp-harness reference gateway",
};

export const KNOWN_CONSUMERS: readonly DirectoryConsumer[] = [HARNESS_CONSUMER, REFERENCE_GATEWAY_CONSUMER];

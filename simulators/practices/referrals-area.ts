/** The referrals area: each referral a ReferralRequest, within the search period asked for. */
import { LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import { READ_V2_SYSTEM, SNOMED_SYSTEM } from "../population/clinical-terms.js";
import type { Referral } from "../population/types.js";
import { type AreaResult, inPeriod, refOf } from "./area-result.js";
import {
  author,
  dateTime,
  list,
  meta,
  type Render,
  reference,
  requester,
  supplierIdentifier,
} from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";
import type { SearchPeriod } from "./structured-query.js";

export function referralRequest(render: Render, item: Referral): fhir.ReferralRequest {
  const id = render.ids.item("referral", item.id);
  return {
    resourceType: "ReferralRequest",
    id,
    meta: { profile: [PROFILES.referralRequest] },
    identifier: supplierIdentifier(render, id),
    status: "unknown",
    intent: "order",
    priority: item.priority,
    serviceRequested: [{ text: item.recipient.split(",")[0] ?? item.recipient }],
    subject: render.patientRef,
    // Dropped from the Bundle when the consultation is not sent with it (see structured-bundle.ts).
    ...(item.consultation === undefined
      ? {}
      : { context: reference("Encounter", render.ids.item("encounter", item.consultation)) }),
    authoredOn: item.date,
    requester: requester(render, item.requestedBy),
    reasonCode: [
      { ...chosenConcept(item.service, item.legacyCode, render.input.flavour), text: item.reason },
    ],
    description: `${item.reason}: referred to ${item.recipient}`,
    // The service referred to, and (EMIS) the letter, sent with the referrals area; dropped where they are
    // not sent (see structured-bundle.ts).
    recipient: [reference("HealthcareService", render.ids.item("service", item.id))],
    ...(render.input.flavour.referralLetters
      ? { supportingInfo: [reference("DocumentReference", render.ids.item("letter", item.id))] }
      : {}),
    // The referral form's fields GP Connect has no element for, as "name:value" notes (EMIS's records).
    note: [
      { text: "Mode:Written" },
      { text: `Purpose:${item.priority === "urgent" ? "Management Advice" : "Investigation"}` },
      { text: "NHS / Private:NHS" },
    ],
  };
}

/** "Referral letter", as EMIS's records code it: Read v2 9b0g.00 picked, SNOMED CT beside it. */
const REFERRAL_LETTER = { system: SNOMED_SYSTEM, code: "25611000000107", display: "Referral letter" };
const REFERRAL_LETTER_READ = { system: READ_V2_SYSTEM, code: "9b0g.00", display: "Referral letter" };

/**
 * The referral's letter as GP Connect's DocumentReference: its type, who wrote it, the practice as custodian,
 * the consultation it was written in, and where the document itself is fetched (the practice's Binary
 * endpoint of Access Document, not simulated: the url names it). Its size is derived from its id.
 */
function referralLetter(render: Render, item: Referral): fhir.DocumentReference {
  const id = render.ids.item("letter", item.id);
  const identifier = supplierIdentifier(render, id);
  const binary = identifier[0]?.value ?? id;
  return {
    resourceType: "DocumentReference",
    id,
    meta: meta(render, PROFILES.documentReference, id, true),
    identifier,
    status: "current",
    type: {
      ...chosenConcept(REFERRAL_LETTER, REFERRAL_LETTER_READ, render.input.flavour),
      text: "Referral letter",
    },
    subject: render.patientRef,
    created: item.date,
    indexed: dateTime(item.date),
    author: [author(render, item.requestedBy)],
    custodian: reference("Organization", render.ids.organization),
    description: `Referral letter to ${item.recipient} (${item.date})`,
    content: [
      {
        attachment: {
          contentType: "application/pdf",
          url: `Binary/${binary}`,
          size: 20_000 + (Number.parseInt(binary.slice(-4), 16) || 0),
        },
      },
    ],
    ...(item.consultation === undefined
      ? {}
      : { context: { encounter: reference("Encounter", render.ids.item("encounter", item.consultation)) } }),
  };
}

/** The service referred to, as a HealthcareService named as the referral names it. */
function recipientService(render: Render, item: Referral): fhir.HealthcareService {
  const id = render.ids.item("service", item.id);
  return {
    resourceType: "HealthcareService",
    id,
    meta: { profile: [PROFILES.healthcareService] },
    identifier: supplierIdentifier(render, id),
    name: item.recipient,
  };
}

export function referralsArea(render: Render, period: SearchPeriod | undefined): AreaResult {
  const items = render.input.patient.referrals.filter((item) => inPeriod(item.date, period));
  const resources: fhir.Resource[] = items.map((item) => referralRequest(render, item));
  const listed = resources.map(refOf);
  resources.push(...items.map((item) => recipientService(render, item)));
  if (render.input.flavour.referralLetters)
    resources.push(...items.map((item) => referralLetter(render, item)));
  return { lists: [list(render, LIST_CODES.referrals, listed)], resources };
}

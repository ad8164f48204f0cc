/** The referrals area: each referral a ReferralRequest, within the search period asked for. */
import { LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import type { Referral } from "../population/types.js";
import { type AreaResult, inPeriod, refOf } from "./area-result.js";
import { list, type Render, reference, requester, supplierIdentifier } from "./bundle-render.js";
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
    reasonCode: [{ ...chosenConcept(item.service, undefined, render.input.flavour), text: item.reason }],
    description: `${item.reason}: referred to ${item.recipient}`,
    // The referral form's fields GP Connect has no element for, as "name:value" notes (EMIS's records).
    note: [
      { text: "Mode:Written" },
      { text: `Purpose:${item.priority === "urgent" ? "Management Advice" : "Investigation"}` },
      { text: "NHS / Private:NHS" },
    ],
  };
}

export function referralsArea(render: Render, period: SearchPeriod | undefined): AreaResult {
  const resources = render.input.patient.referrals
    .filter((item) => inPeriod(item.date, period))
    .map((item) => referralRequest(render, item));
  return { lists: [list(render, LIST_CODES.referrals, resources.map(refOf))], resources };
}

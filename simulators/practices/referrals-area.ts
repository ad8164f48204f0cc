/** The referrals area: each referral a ReferralRequest, within the search period asked for. */
import { LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import type { Referral } from "../population/types.js";
import { type AreaResult, inPeriod, refOf } from "./area-result.js";
import { concept, list, type Render, requester, supplierIdentifier } from "./bundle-render.js";
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
    authoredOn: item.date,
    requester: requester(render, item.requestedBy),
    reasonCode: [chosenConcept(item.service, undefined, render.input.flavour)],
    description: `${item.reason}: referred to ${item.recipient}`,
  };
}

export function referralsArea(render: Render, period: SearchPeriod | undefined): AreaResult {
  const resources = render.input.patient.referrals
    .filter((item) => inPeriod(item.date, period))
    .map((item) => referralRequest(render, item));
  return { lists: [list(render, LIST_CODES.referrals, resources.map(refOf))], resources };
}

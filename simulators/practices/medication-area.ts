/**
 * The medication area: each medication as a MedicationStatement, its plan (MedicationRequest, intent plan)
 * and its Medication, with the issues as orders (MedicationRequest, intent order) when asked for, laid out
 * as the supplier lays them out. Other areas show a medication they link to through its summary.
 */
import {
  CODE_SYSTEMS,
  EXTENSIONS,
  LIST_CODES,
  MEDICATION_EXTENSIONS,
  PROFILES,
} from "../../gpconnect/profiles.js";
import { addDays } from "../population/calendar.js";
import type { Medication } from "../population/types.js";
import type { AreaResult } from "./area-result.js";
import {
  author,
  concept,
  list,
  type Render,
  reference,
  requester,
  supplierIdentifier,
} from "./bundle-render.js";
import type { SupplierFlavour } from "./flavours.js";
import { shared } from "./shared-record.js";

function prescribingAgency(medication: Medication): fhir.Extension {
  if (medication.prescriber.kind === "practice") {
    return {
      url: EXTENSIONS.prescribingAgency,
      valueCodeableConcept: {
        coding: [
          {
            system: CODE_SYSTEMS.prescribingAgency,
            code: "prescribed-at-gp-practice",
            display: "Prescribed at GP practice",
          },
        ],
      },
    };
  }
  return {
    url: EXTENSIONS.prescribingAgency,
    valueCodeableConcept: {
      coding: [
        {
          system: CODE_SYSTEMS.prescribingAgency,
          code: "prescribed-by-another-organisation",
          display: "Prescribed by another organisation",
        },
      ],
      text: medication.prescriber.organisation,
    },
  };
}

const PRESCRIPTION_TYPE_DISPLAY: Record<Medication["type"], string> = {
  acute: "Acute",
  repeat: "Repeat",
  "repeat-dispensing": "Repeat dispensing",
  "delayed-prescribing": "Delayed prescribing",
};

function prescriptionType(medication: Medication): fhir.Extension {
  const display = PRESCRIPTION_TYPE_DISPLAY[medication.type];
  return {
    url: EXTENSIONS.prescriptionType,
    valueCodeableConcept: {
      coding: [{ system: CODE_SYSTEMS.prescriptionType, code: medication.type, display }],
    },
  };
}

function supplyDuration(medication: Medication): fhir.Duration {
  return { value: medication.supplyDays, unit: "day", system: CODE_SYSTEMS.ucum, code: "d" };
}

/**
 * A repeat's authorisation: the issues made (both suppliers, valueUnsignedInt) and, where the supplier writes
 * them (TPP), the issues allowed (valuePositiveInt) and when the authorisation expires.
 */
function repeatInformation(render: Render, medication: Medication): fhir.Extension[] {
  const authorisation = medication.authorisation;
  if (authorisation === undefined) return [];
  const detail = render.input.flavour.medicationDetail;
  const parts: fhir.Extension[] = [];
  if (detail.repeatsAllowed)
    parts.push({ url: "numberOfRepeatPrescriptionsAllowed", valuePositiveInt: authorisation.repeatsAllowed });
  parts.push({ url: "numberOfRepeatPrescriptionsIssued", valueUnsignedInt: authorisation.repeatsIssued });
  if (detail.repeatsAllowed)
    parts.push({ url: "authorisationExpiryDate", valueDateTime: authorisation.expires });
  return [{ url: EXTENSIONS.repeatInformation, extension: parts }];
}

/** Why and when a stopped medication was stopped (MedicationStatusReason), on its plan. */
function statusReason(medication: Medication): fhir.Extension[] {
  const reason = medication.statusReason;
  if (reason === undefined || medication.status !== "stopped") return [];
  return [
    {
      url: MEDICATION_EXTENSIONS.statusReason,
      extension: [
        { url: "statusReason", valueCodeableConcept: { text: reason.text } },
        { url: "statusChangeDate", valueDateTime: reason.date },
      ],
    },
  ];
}

/** The dosage as text, with the prescriber's words for the patient where the supplier carries them. */
function dosageOf(render: Render, medication: Medication): fhir.Dosage[] {
  const instruction = medication.patientInstruction;
  return instruction !== undefined && render.input.flavour.medicationDetail.patientInstruction
    ? [{ text: medication.dosage, patientInstruction: instruction }]
    : [{ text: medication.dosage }];
}

/** The quantity of one supply: its unit as Quantity.unit, or as the supplier's quantity text (TPP). */
function quantity(render: Render, medication: Medication): fhir.Quantity {
  const { value, unit } = medication.quantity;
  return render.input.flavour.medicationDetail.quantityAsText
    ? { extension: [{ url: MEDICATION_EXTENSIONS.quantityText, valueString: unit }], value }
    : { value, unit };
}

/** The issues a query asks for: all of them, or those on or after medicationSearchFromDate. */
function issuesInScope(
  medication: Medication,
  fromDate: string | undefined,
): { date: string; index: number }[] {
  return medication.issues
    .map((date, index) => ({ date, index }))
    .filter(({ date }) => fromDate === undefined || date >= fromDate);
}

/**
 * GP Connect 1.6: a medication is active from its start to its end (inclusive); without an end, an acute one
 * only on its start day and a repeat from its start onwards; medication prescribed elsewhere always returns.
 */
function medicationInScope(medication: Medication, fromDate: string | undefined): boolean {
  if (fromDate === undefined || medication.prescriber.kind !== "practice") return true;
  const repeat = medication.type === "repeat" || medication.type === "repeat-dispensing";
  const end = medication.ended ?? (repeat ? undefined : medication.started);
  return end === undefined || end >= fromDate;
}

/** A medication's summary as every area shows it: the statement, its plan (authorisation) and the product. */
export function medicationSummary(render: Render, medication: Medication): fhir.Resource[] {
  const { flavour } = render.input;
  const medicationId = render.ids.medication(medication.product.code);
  const planId = render.ids.medicationPlan(medication.id);
  const statementId = render.ids.medicationStatement(medication.id);
  const fromPractice = medication.prescriber.kind === "practice";
  const lastIssue = medication.issues.at(-1);
  const dosage = dosageOf(render, medication);
  const period = {
    start: medication.started,
    ...(medication.ended === undefined ? {} : { end: medication.ended }),
  };
  const statement: fhir.MedicationStatement = {
    resourceType: "MedicationStatement",
    id: statementId,
    meta: { profile: [PROFILES.medicationStatement] },
    extension: [
      prescribingAgency(medication),
      ...(lastIssue === undefined ? [] : [{ url: EXTENSIONS.lastIssueDate, valueDateTime: lastIssue }]),
    ],
    identifier: supplierIdentifier(render, statementId),
    basedOn: [reference("MedicationRequest", planId)],
    status: medication.status,
    medicationReference: reference("Medication", medicationId),
    effectivePeriod: period,
    dateAsserted: medication.started,
    subject: render.patientRef,
    taken: "unk",
    dosage,
  };
  const plan: fhir.MedicationRequest = {
    resourceType: "MedicationRequest",
    id: planId,
    meta: { profile: [PROFILES.medicationRequest] },
    extension: [
      prescriptionType(medication),
      ...repeatInformation(render, medication),
      ...statusReason(medication),
    ],
    identifier: supplierIdentifier(render, planId),
    status: medication.status,
    intent: "plan",
    medicationReference: reference("Medication", medicationId),
    subject: render.patientRef,
    authoredOn: medication.started,
    // Prescribed elsewhere: the practice only recorded it, so no practice clinician requested it.
    ...(fromPractice ? { requester: requester(render, medication.recordedBy) } : {}),
    recorder: author(render, medication.recordedBy),
    dosageInstruction: dosage,
    dispenseRequest: {
      validityPeriod: period,
      quantity: quantity(render, medication),
      expectedSupplyDuration: supplyDuration(medication),
    },
  };
  const note = flavour.medicationDetail.prescriberNotes ? medication.prescriberNote : undefined;
  if (note !== undefined) {
    statement.note = [{ text: `Prescriber Notes: ${note}` }];
    plan.note = [{ text: note }];
  }
  if (medication.priorPrescription !== undefined && flavour.medicationDetail.priorPrescription)
    plan.priorPrescription = reference(
      "MedicationRequest",
      render.ids.medicationPlan(medication.priorPrescription),
    );
  const product: fhir.Medication = {
    resourceType: "Medication",
    id: medicationId,
    meta: { profile: [PROFILES.medication] },
    code: productCode(medication, flavour),
  };
  return [statement, plan, product];
}

/**
 * The product's code: dm+d, with the supplier's own code beside it where it has one (EMIS's drug code, as the
 * clinician's pick) and, as text, the name the prescriber saw where dm+d names the product otherwise now.
 */
function productCode(medication: Medication, flavour: SupplierFlavour): fhir.CodeableConcept {
  const code = concept(medication.product, medication.localCode, flavour);
  return medication.productTerm === undefined ? code : { ...code, text: medication.productTerm };
}

function issueOrders(
  render: Render,
  medication: Medication,
  fromDate: string | undefined,
): fhir.MedicationRequest[] {
  const medicationId = render.ids.medication(medication.product.code);
  const planId = render.ids.medicationPlan(medication.id);
  const dosage = dosageOf(render, medication);
  const issued = quantity(render, medication);
  const recorder = author(render, medication.recordedBy);
  return issuesInScope(medication, fromDate).map(({ date, index }): fhir.MedicationRequest => {
    const orderId = render.ids.medicationOrder(medication.id, index);
    return {
      resourceType: "MedicationRequest",
      id: orderId,
      meta: { profile: [PROFILES.medicationRequest] },
      extension: [prescriptionType(medication)],
      identifier: supplierIdentifier(render, orderId),
      basedOn: [reference("MedicationRequest", planId)],
      status: "completed",
      intent: "order",
      medicationReference: reference("Medication", medicationId),
      subject: render.patientRef,
      authoredOn: date,
      requester: requester(render, medication.recordedBy),
      recorder,
      dosageInstruction: dosage,
      dispenseRequest: {
        validityPeriod: { start: date, end: addDays(date, medication.supplyDays) },
        quantity: issued,
        expectedSupplyDuration: supplyDuration(medication),
      },
    };
  });
}

/** Medications, when asked for: those in scope with their issues (when asked for), in the medications List. */
export function medicationArea(render: Render): AreaResult | undefined {
  const { query, flavour } = render.input;
  if (query.medication === undefined) return undefined;
  const { includeIssues, fromDate } = query.medication;
  const share = shared(render);
  const perMedication = flavour.medicationLayout === "per-medication";
  const statements: fhir.Resource[] = [];
  const requests: fhir.Resource[] = [];
  const grouped: fhir.Resource[] = [];
  const products = new Map<string, fhir.Resource>();

  for (const medication of share.medications.filter((m) => medicationInScope(m, fromDate))) {
    const [statement, plan, product] = medicationSummary(render, medication) as [
      fhir.Resource,
      fhir.Resource,
      fhir.Resource,
    ];
    const orders = includeIssues ? issueOrders(render, medication, fromDate) : [];
    statements.push(statement);
    if (perMedication) {
      grouped.push(statement, plan, ...orders);
      // A product several statements share is sent once, at its first use.
      if (!products.has(product.id ?? "")) grouped.push(product);
    } else {
      requests.push(plan, ...orders);
    }
    products.set(product.id ?? "", product);
  }
  const warnings = [
    ...(share.confidential.medications ? (["confidential-items"] as const) : []),
    ...(share.awaitingFiling.medications ? (["data-awaiting-filing"] as const) : []),
  ];
  const medicationsList = list(
    render,
    LIST_CODES.medications,
    statements.map((s) => reference("MedicationStatement", s.id ?? "")),
    { warnings },
  );
  const resources = perMedication ? grouped : [...requests, ...statements, ...products.values()];
  return { lists: [medicationsList], resources };
}

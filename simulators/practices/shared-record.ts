/**
 * What of a patient's record a practice shares: sensitive items, items about a sensitive problem and data
 * still awaiting filing stay at the practice, and the areas' Lists say that something was withheld.
 */
import type { Render } from "./bundle-render.js";

/** What a record shares, worked out once per record and read (never changed) by each of its areas. */
type Share = {
  readonly [K in keyof ReturnType<typeof share>]: ReturnType<typeof share>[K] extends (infer T)[]
    ? readonly T[]
    : ReturnType<typeof share>[K];
};

/** The last record's share: its areas each ask for it, one after the other, while it is rendered. */
let lastRender: Render | undefined;
let lastShare: Share | undefined;

/** Everything the record shares: sensitive items and unfiled data never leave the practice. */
export function shared(render: Render): Share {
  if (render !== lastRender || lastShare === undefined) {
    lastShare = share(render);
    lastRender = render;
  }
  return lastShare;
}

function share(render: Render) {
  const { patient } = render.input;
  const problems = patient.problems.filter((p) => p.sensitive !== true);
  const withheldProblems = new Set(patient.problems.filter((p) => p.sensitive === true).map((p) => p.id));
  return {
    problems,
    medications: patient.medications.filter(
      (m) =>
        m.sensitive !== true &&
        m.awaitingFiling !== true &&
        !(m.treats !== undefined && withheldProblems.has(m.treats)),
    ),
    consultations: patient.consultations.filter(
      (c) => c.sensitive !== true && !(c.problem !== undefined && withheldProblems.has(c.problem)),
    ),
    investigations: patient.investigations.filter((t) => t.awaitingFiling !== true),
    confidential: {
      problems: withheldProblems.size > 0,
      medications: patient.medications.some((m) => m.sensitive === true),
      consultations: patient.consultations.some((c) => c.sensitive === true),
    },
    awaitingFiling: {
      medications: patient.medications.some((m) => m.awaitingFiling === true),
      investigations: patient.investigations.some((t) => t.awaitingFiling === true),
    },
  };
}

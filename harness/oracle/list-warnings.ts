/**
 * The warnings a structured record's List carries (GP Connect 1.6, "Returning data in lists": the
 * ListWarningCode extension, valueCode `confidential-items`, `data-awaiting-filing`, `data-in-transit`...),
 * read with the harness's own code.
 */
import { type ClinicalAreaParameter, isClinicalAreaParameter } from "../../gpconnect/parameters.js";
import { EXTENSIONS } from "../../gpconnect/profiles.js";
import { AREA_LISTS, listsCoded } from "./structured-record-rules.js";

/** A List named by the parameter of its clinical area (`includeAllergies`) or by its SNOMED CT code. */
export type ListName = ClinicalAreaParameter | string;

/** The SNOMED CT code and a reader's name of the List meant. */
export function listMeant(list: ListName): { code: string; label: string } {
  if (isClinicalAreaParameter(list)) {
    const { code, display } = AREA_LISTS[list];
    return { code, label: `${display} list` };
  }
  const known = Object.values(AREA_LISTS).find((l) => l.code === list);
  return { code: list, label: known ? `${known.display} list` : `list ${list}` };
}

/** The Lists of a Bundle with this name's code, each with its warning codes. */
export function listWarnings(bundle: fhir.Bundle, list: ListName): string[][] {
  return listsCoded(bundle, listMeant(list).code).map((found) =>
    (Array.isArray(found.extension) ? found.extension : []).flatMap((extension) =>
      extension?.url === EXTENSIONS.listWarningCode && typeof extension.valueCode === "string"
        ? [extension.valueCode]
        : [],
    ),
  );
}

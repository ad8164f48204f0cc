/**
 * What a clinical area renders, and how it is put together: its primary List and resources, with the items it
 * pulls in through links filed in secondary Lists (the bundle drops the duplicates several areas render).
 */
import { CODE_SYSTEMS } from "../../gpconnect/profiles.js";
import { list, type Render, reference } from "./bundle-render.js";
import type { SearchPeriod } from "./structured-query.js";

/** An area's Lists (its primary List first) and the resources they reference. */
export interface AreaResult {
  readonly lists: fhir.List[];
  readonly resources: fhir.Resource[];
}

/** Whether a date falls in a search period (either end may be open, both are inclusive). */
export const inPeriod = (date: string, period: SearchPeriod | undefined) =>
  period === undefined ||
  ((period.start === undefined || date >= period.start) && (period.end === undefined || date <= period.end));

/** A secondary List of what an area pulls in through links; none when it pulled in nothing. */
export const secondary = (render: Render, code: string, items: readonly fhir.Reference[]): fhir.List[] =>
  items.length === 0
    ? []
    : [
        list(render, { code, display: title(code) }, items, {
          system: CODE_SYSTEMS.secondaryList,
        }),
      ];

/** Secondary Lists' titles, by code (a few dozen codes, each titled in every record). */
const titles = new Map<string, string>();

function title(code: string): string {
  let known = titles.get(code);
  if (known === undefined) {
    known = titleOf(code);
    titles.set(code, known);
  }
  return known;
}

function titleOf(code: string): string {
  const words = code.split("-");
  const [area = "", ...rest] = words;
  return `${area.charAt(0).toUpperCase()}${area.slice(1)} - ${rest.join(" ")}`;
}

/** A reference to a rendered resource, for the Lists and the links that point at it. */
export const refOf = (resource: fhir.Resource): fhir.Reference =>
  reference(resource.resourceType ?? "", resource.id ?? "");

/**
 * Renders each item, adds what it renders to `resources`, and files a reference to its first resource (the
 * one the others hang from) in every reference list given.
 */
export function renderInto<T>(
  resources: fhir.Resource[],
  items: readonly T[],
  render: (item: T) => fhir.Resource | readonly fhir.Resource[],
  ...referenceLists: fhir.Reference[][]
): void {
  for (const item of items) {
    const rendered = render(item);
    const all: readonly fhir.Resource[] = Array.isArray(rendered) ? rendered : [rendered as fhir.Resource];
    resources.push(...all);
    for (const references of referenceLists) references.push(refOf(all[0] as fhir.Resource));
  }
}

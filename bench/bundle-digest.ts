/**
 * One SHA-256 over thousands of structured-record answers from a fresh region, asked over HTTP as a consumer
 * would: both suppliers, every clinical area alone and all together, every trait. A change meant to keep
 * behaviour (a refactoring) must leave the digest as it was; compare the figure before and after.
 *
 *   node --import tsx bench/bundle-digest.ts [--verbose]
 */
import { createHash } from "node:crypto";
import { request } from "undici";
import {
  INTERACTION_ID_SYSTEM,
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import { startRegion, TRAITS } from "../simulators/index.js";
import { gpConnectHeaders, STRUCTURED_RECORD_QUESTIONS } from "../test/support/gpconnect-request.js";

const SEED = 1;
/** What differs from run to run by design: the ports the region happened to bind, SDS's search Bundle ids. */
const withoutRunParticulars = (text: string): string =>
  text
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
    .replace(/"id":"[0-9A-F]{8}-[0-9A-F-]{27}"/g, '"id":"ID"');
const REFERENCE_DATE = "2026-06-30";
const PRACTICES = 6;
const PATIENTS_PER_PRACTICE = 40;

async function main(): Promise<void> {
  const verbose = process.argv.includes("--verbose");
  const region = await startRegion({
    seed: SEED,
    referenceDate: REFERENCE_DATE,
    practices: PRACTICES,
    patientsPerPractice: PATIENTS_PER_PRACTICE,
  });
  try {
    const info = region.info();
    const digest = createHash("sha256");
    let answers = 0;
    let bytes = 0;
    for (const practice of info.practices) {
      const nhsNumbers: string[] = [];
      for (let index = 0; index < PATIENTS_PER_PRACTICE; index++) {
        nhsNumbers.push(region.population.patient(practice.ods, index).nhsNumber);
      }
      for (const trait of TRAITS) nhsNumbers.push(region.addPatient(practice.ods, [trait]).nhsNumber);
      for (const path of [
        `/Device?organization=${ODS_ORGANISATION_SYSTEM}|${practice.ods}&identifier=${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`,
        `/Endpoint?organization=${ODS_ORGANISATION_SYSTEM}|${practice.ods}&identifier=${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`,
      ]) {
        const response = await request(`${info.sds}${path}`, {
          headers: { apikey: "digest", "x-correlation-id": "digest" },
        });
        digest
          .update(`SDS ${path} ${response.statusCode}\n`)
          .update(withoutRunParticulars(await response.body.text()));
      }
      for (const nhsNumber of nhsNumbers) {
        const pds = await request(`${info.pds}/Patient/${nhsNumber}`, {
          headers: { "x-request-id": "00000000-0000-4000-8000-000000000000" },
        });
        digest.update(`PDS ${nhsNumber} ${pds.statusCode}\n`).update(await pds.body.text());
        for (const areas of STRUCTURED_RECORD_QUESTIONS) {
          const body: fhir.Parameters = {
            resourceType: "Parameters",
            parameter: [
              { name: "patientNHSNumber", valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
              ...areas,
            ],
          };
          const headers = gpConnectHeaders({
            fromAsid: info.consumer.asid,
            toAsid: practice.asid,
            audience: practice.endpoint,
            traceId: "00000000-0000-4000-8000-000000000000",
          });
          const response = await request(`${practice.endpoint}/Patient/$gpc.getstructuredrecord`, {
            method: "POST",
            headers,
            body: JSON.stringify(body),
          });
          const text = await response.body.text();
          const line = `${practice.system} ${practice.ods} ${nhsNumber} ${areas.map((a) => a.name).join(",")} ${response.statusCode}\n`;
          digest.update(line).update(text);
          if (verbose) process.stdout.write(`${createHash("sha256").update(text).digest("hex")} ${line}`);
          answers++;
          bytes += text.length;
        }
      }
    }
    console.log(
      `${answers} answers (${PRACTICES} practices, both suppliers; ${(bytes / 1e6).toFixed(1)} MB): sha256 ${digest.digest("hex")}`,
    );
  } finally {
    await region.close();
  }
}

await main();

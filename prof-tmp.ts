import { createPopulation } from "./simulators/population/population.js";

const pop = createPopulation({
  seed: 1,
  practices: 146,
  patientsPerPractice: 3000,
  referenceDate: "2026-11-26",
});
const ps = pop.practices();
let n = 0;
const t = process.cpuUsage();
for (let i = 0; i < 1500 && n < 60000; i++)
  for (const p of ps) {
    pop.patient(p.ods, i);
    n++;
  }
const c = process.cpuUsage(t);
console.log(n, ((c.user + c.system) / n).toFixed(1), "us each");

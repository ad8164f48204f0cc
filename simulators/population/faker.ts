/**
 * @faker-js/faker (en_GB, falling back to en), driven by the population's own seeded generators through
 * faker's `Randomizer` interface: every value faker gives is drawn from the Random lent to it for that call,
 * so a patient is still a pure function of (seed, practice, index) and byte-identical run after run (for the
 * faker version the lockfile pins).
 *
 * One Faker is made once. It is built from the definitions of faker's own en_GB instance
 * (`@faker-js/faker/locale/en_GB`), the same merged [en_GB, en, base] locale `new Faker({ locale: [en_GB, en,
 * base], randomizer })` would take: the package's root module loads every locale, which took 0.6 s here, more
 * than the region's whole start-up budget.
 */
import type { Faker, Randomizer } from "@faker-js/faker";
import { faker as enGbFaker } from "@faker-js/faker/locale/en_GB";
import type { Random } from "./random.js";

/** The generator lent to faker for the call under way. */
let lent: Random | undefined;

/** Faker's randomizer (faker calls `next` detached, so it is a plain function, not a method). */
const randomizer: Randomizer = {
  next: () => {
    if (lent === undefined) throw new Error("faker was used without a population generator lent to it");
    return lent.next();
  },
  // Faker seeds nothing of its own here: each generator is seeded by its own tuple.
  seed: () => {},
};

const FakerClass = enGbFaker.constructor as new (options: {
  locale: Faker["rawDefinitions"];
  randomizer: Randomizer;
}) => Faker;
const faker = new FakerClass({ locale: enGbFaker.rawDefinitions, randomizer });

/** Runs `draw` with faker drawing from `random` (and from nothing else). */
export function withFaker<T>(random: Random, draw: (faker: Faker) => T): T {
  const before = lent;
  lent = random;
  try {
    return draw(faker);
  } finally {
    lent = before;
  }
}

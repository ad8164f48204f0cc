/** NHS numbers that no patient of the region has, for "unknown patient" scenarios. */
import { NhsNumberAllocator } from "../population/nhs-number.js";
import type { Population } from "../population/types.js";
import { RegionError } from "./errors.js";

/**
 * Hands out numbers from the middle of the seed's serial space, far from both the generated lists (from the
 * bottom) and added patients (from the top), each checked against the population, and carries on from where
 * the last one was found. The search covers the whole space before it gives up, so it fails only when every
 * synthetic number is some patient's; it costs one check a number, never a patient generated.
 */
export class UnknownNhsNumbers {
  private readonly allocator: NhsNumberAllocator;
  private nextSerial: number;

  constructor(private readonly population: Population) {
    this.allocator = new NhsNumberAllocator(population.seed);
    this.nextSerial = Math.floor(this.allocator.capacity / 2);
  }

  next(): string {
    const { capacity } = this.allocator;
    for (let checked = 0; checked < capacity; checked++) {
      const serial = this.nextSerial;
      this.nextSerial = serial + 1 < capacity ? serial + 1 : 0;
      const nhsNumber = this.allocator.numberForSerial(serial);
      if (!this.population.isNhsNumberInUse(nhsNumber)) return nhsNumber;
    }
    throw new RegionError(
      "REGION_FULL",
      `every one of the ${capacity} synthetic NHS numbers is some patient's: none is left unknown`,
    );
  }
}

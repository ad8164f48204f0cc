/** NHS numbers that no patient of the region has, for "unknown patient" scenarios. */
import { NhsNumberAllocator } from "../population/nhs-number.js";
import type { Population } from "../population/types.js";
import { RegionError } from "./errors.js";

/**
 * Hands out numbers from the middle of the seed's serial space, far from both the generated lists (from the
 * bottom) and added patients (from the top), and checks each against the population anyway.
 */
export class UnknownNhsNumbers {
  private readonly allocator: NhsNumberAllocator;
  private nextSerial: number;

  constructor(private readonly population: Population) {
    this.allocator = new NhsNumberAllocator(population.seed);
    this.nextSerial = Math.floor(this.allocator.capacity / 2);
  }

  next(): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const serial = this.nextSerial;
      this.nextSerial = (this.nextSerial + 1) % this.allocator.capacity;
      const nhsNumber = this.allocator.numberForSerial(serial);
      if (this.population.findByNhsNumber(nhsNumber) === undefined) return nhsNumber;
    }
    throw new RegionError("INVALID_REQUEST", "no unused synthetic NHS number is left in the region");
  }
}

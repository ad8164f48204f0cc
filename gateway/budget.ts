/**
 * One north request's total time budget. Every south call gets the smaller of its own timeout and what is
 * left, so PDS, SDS, the practice and any retries together cannot keep a clinician waiting past it.
 */
export class RequestBudget {
  private readonly deadline: number;

  constructor(readonly totalMs: number) {
    this.deadline = performance.now() + totalMs;
  }

  /** Whole milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, Math.floor(this.deadline - performance.now()));
  }
}

import { HISTORY_SLOTS } from './dspSignals.js';

/**
 * The closed loop's recent past: one Float32 ring per bus signal (in1 and in2 as the plant gives them,
 * before the ADC's noise; out1, out2, each module's output and iq2's second quadrature iq2_2), `length` loop steps long, allocated
 * on first write. Step k of the loop is slot k mod length.
 */
export class LoopHistory {
  private readonly rings: (Float32Array | null)[] = new Array<Float32Array | null>(HISTORY_SLOTS).fill(null);
  /** The first step still held (older ones are overwritten or were never computed). */
  firstStep = 0;
  /** One past the last step written. */
  endStep = 0;

  private readonly mask: number;

  /** @param length a power of two */
  constructor(readonly length: number) {
    this.mask = length - 1;
  }

  /** Forgets everything; the next step written is `step`. */
  restart(step: number): void {
    this.firstStep = step;
    this.endStep = step;
  }

  /** Writes `value` of signal `signal` at `step` (steps are written in order, each signal once per step). */
  write(signal: number, step: number, value: number): void {
    let ring = this.rings[signal];
    if (!ring) {
      if (value === 0) return;
      ring = this.rings[signal] = new Float32Array(this.length);
    }
    ring[step & this.mask] = value;
  }

  /** The ring of `signal`, allocated now if it was not (for writers that keep it at hand). */
  ring(signal: number): Float32Array {
    return (this.rings[signal] ??= new Float32Array(this.length));
  }

  /** Index mask: step k lives at ring[k & mask]. */
  get indexMask(): number {
    return this.mask;
  }

  /** Marks `step` as complete. */
  commit(step: number): void {
    this.endStep = step + 1;
    if (this.endStep - this.firstStep > this.length) this.firstStep = this.endStep - this.length;
  }

  /** Signal `signal` at `step`, clamped to the steps held (0 for a signal never written). */
  read(signal: number, step: number): number {
    const ring = this.rings[signal];
    if (!ring || this.endStep === this.firstStep) return 0;
    const k = step < this.firstStep ? this.firstStep : step >= this.endStep ? this.endStep - 1 : step;
    return ring[k & this.mask]!;
  }
}

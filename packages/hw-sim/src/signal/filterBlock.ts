import FFT from 'fft.js';
import type { Dut } from '../dut/Dut.js';

interface FftJs {
  transform(out: Float64Array, data: Float64Array): void;
  inverseTransform(out: Float64Array, data: Float64Array): void;
}
const FftJsCtor = FFT as unknown as new (size: number) => FftJs;

const plans = new Map<number, { fft: FftJs; a: Float64Array; b: Float64Array }>();

/**
 * Filters one block of samples (length a power of two, spacing `dtS` seconds) through `dut` in
 * the frequency domain: X(f_m)·H(f_m) at f_m = m/(n·dtS) for m ≤ n/2, conjugate mirrored above,
 * written to `out`.
 *
 * The filtering is circular over the block (its end wraps onto its start, which is what a
 * periodic realisation would give); components that aliased into the decimated band are
 * filtered as if they were at their alias frequency. Both are exact at decimation 1 for a
 * realisation one block long and are the documented approximations for the 'noise' waveform.
 */
export function filterBlock(input: Float64Array, out: Float64Array, dtS: number, dut: Dut): void {
  const n = input.length;
  let plan = plans.get(n);
  if (!plan) plans.set(n, (plan = { fft: new FftJsCtor(n), a: new Float64Array(2 * n), b: new Float64Array(2 * n) }));
  const { fft, a, b } = plan;
  for (let i = 0; i < n; i++) {
    a[2 * i] = input[i]!;
    a[2 * i + 1] = 0;
  }
  fft.transform(b, a);
  const df = 1 / (n * dtS);
  for (let m = 0; m < n; m++) {
    const mirrored = m > n / 2;
    const h = dut.response((mirrored ? n - m : m) * df);
    const hi = m === n / 2 ? 0 : mirrored ? -h.im : h.im; // the Nyquist bin must stay real
    const re = b[2 * m]!;
    const im = b[2 * m + 1]!;
    b[2 * m] = re * h.re - im * hi;
    b[2 * m + 1] = re * hi + im * h.re;
  }
  fft.inverseTransform(a, b);
  for (let i = 0; i < n; i++) out[i] = a[2 * i]!;
}

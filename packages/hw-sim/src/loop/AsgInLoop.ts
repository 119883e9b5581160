import type { AsgHistory, AsgSegment } from '../signal/AsgHistory.js';
import { waveformSeries } from '../signal/waveformSeries.js';
import { waveformShape } from '../signal/waveformShape.js';
import { fillGaussian, gaussian } from '../prng/gaussian.js';
import type { Xoshiro128 } from '../prng/xoshiro128.js';
import type { Tone } from '../plant/Plant.js';

const TWO_PI = 2 * Math.PI;
const frac = (x: number) => x - Math.floor(x);

/**
 * One generator as the closed loop sees it, read from its settings history at each step:
 * - slower than the fast-tone limit (loop rate / 4): its waveform's exact value at the step's
 *   middle (held for the step; sampling at the middle cancels the hold's half-step delay to first
 *   order), plus its offset;
 * - faster: its offset in the slow part, and its Fourier series (harmonics below 62.5 MHz) as fast
 *   tones in board time;
 * - 'noise': Gaussian, of the rms its band below the loop's Nyquist frequency carries
 *   (amplitude·√(loopRate / 125 MHz)), fresh each step.
 */
export class AsgInLoop {
  private seg: AsgSegment | null = null;
  /** The segment's fast tones (empty when slow). */
  readonly tones: Tone[] = [];
  private fast = false;
  private shape: ReturnType<typeof waveformShape> = null;

  constructor(
    private readonly history: AsgHistory,
    private readonly fastLimitHz: number,
    private readonly loopRateHz: number,
    private readonly fpgaHz: number,
  ) {}

  /** Where the generator goes at board time tS: 'out1', 'out2' or 'off'. */
  output(tS: number): string {
    return this.segment(tS).settings.output;
  }

  /** 1 out1, 2 out2, 0 off: the routing of the segment of the last `value` call. */
  route = 0;

  private segment(tS: number): AsgSegment {
    const s = this.seg;
    // a segment still in force has toS = Infinity in the object cached; a change replaces that object
    if (s && s.fromS <= tS && tS < s.toS && (s.toS !== Infinity || this.history.current() === (s.raw ?? s))) return s;
    const seg = this.history.at(tS);
    this.seg = seg;
    const st = seg.settings;
    this.route = st.output === 'out1' ? 1 : st.output === 'out2' ? 2 : 0;
    this.shape = waveformShape(st);
    this.fast = st.frequency >= this.fastLimitHz && st.waveform !== 'dc' && st.waveform !== 'noise' && st.amplitude !== 0;
    this.tones.length = 0;
    if (this.fast) {
      const series = waveformSeries(st, this.fpgaHz / 2);
      for (let k = 0; k < series.harmonic.length; k++) {
        const fk = series.harmonic[k]! * st.frequency;
        // A·sin(2π·h·(f(t − origin) + φ/360) + ψ) = A·sin(2π·fk·t + p)
        const p = TWO_PI * frac(-fk * seg.originS + (series.harmonic[k]! * st.phase) / 360) + series.phase[k]!;
        const a = st.amplitude * series.amplitude[k]!;
        this.tones.push({ frequencyHz: fk, re: a * Math.cos(p), im: a * Math.sin(p) });
      }
    }
    return seg;
  }

  /**
   * Starts a chunk of loop steps k0, k0 + 1, … (step k's middle at board time (k + ½)·dtS): takes the
   * segment in force at the first middle and returns how many of the next `max` steps it covers (≥ 1).
   * `route` and `tones` then hold for all of them, and `fill` computes their values.
   */
  beginChunk(k0: number, dtS: number, max: number): number {
    const seg = this.segment(k0 * dtS + dtS / 2);
    if (seg.toS === Infinity) return max;
    let n = 1;
    while (n < max && (k0 + n) * dtS + dtS / 2 < seg.toS) n++;
    return n;
  }

  /**
   * The slow values (V) of `n` steps from k0 (their middles, as `value`) into out[0 … n), all within
   * the segment `beginChunk` took: a constant once for a 'dc', silent or fast generator.
   */
  fill(k0: number, dtS: number, n: number, rng: Xoshiro128, out: Float64Array): void {
    const s = this.seg!.settings;
    if (s.waveform === 'dc' || s.amplitude === 0 || this.fast) {
      out.fill(s.offset, 0, n);
      return;
    }
    if (s.waveform === 'noise') {
      fillGaussian(rng, out, 0, n);
      const rms = s.amplitude * Math.sqrt(this.loopRateHz / this.fpgaHz);
      for (let j = 0; j < n; j++) out[j] = s.offset + rms * out[j]!;
      return;
    }
    for (let j = 0; j < n; j++) out[j] = this.valueIn(this.seg!, (k0 + j) * dtS + dtS / 2, rng);
  }

  /** The slow value (V) for the step whose middle is board time tS; the fast tones are in `tones`. */
  value(tS: number, rng: Xoshiro128): number {
    return this.valueIn(this.segment(tS), tS, rng);
  }

  private valueIn(seg: AsgSegment, tS: number, rng: Xoshiro128): number {
    const s = seg.settings;
    if (s.waveform === 'dc' || s.amplitude === 0) return s.offset;
    if (s.waveform === 'noise') return s.offset + s.amplitude * Math.sqrt(this.loopRateHz / this.fpgaHz) * gaussian(rng);
    if (this.fast) return s.offset;
    const c = s.frequency * (tS - seg.originS) + s.phase / 360;
    const u = frac(c);
    return s.offset + s.amplitude * (this.shape ? this.shape.value(u) : Math.sin(TWO_PI * u));
  }
}

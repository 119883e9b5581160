import type { LoopEngine } from './LoopEngine.js';

const TWO_PI = 2 * Math.PI;

/**
 * A lock-in's complex amplitude of a loop signal over board times [fromS, toS), from the loop's
 * history: z = (2j/N)·Σ x_k·e^{−jθ(t_k)} over the N loop samples stamped in the window, with
 * θ(t) = 2π·f·(t − originS), so A·sin(θ + φ) reads A·e^{jφ} (the convention of `demodulate`); plus
 * the fast tones at the input within the loop's fast-tone limit of f, demodulated analytically as
 * steady. The loop's samples are point values, so the sum matches the FPGA's 125 MS/s sum to
 * O((f/loopRate)²). The caller adds the measurement noise.
 *
 * @param signal history index (loop/dspSignals.ts)
 */
export function demodulateLoop(engine: LoopEngine, signal: number, frequencyHz: number, originS: number, fromS: number, toS: number): { re: number; im: number } {
  engine.advanceTo(toS);
  const dt = engine.dtS;
  const a = Math.ceil(fromS / dt - 1e-9);
  const b = Math.max(a + 1, Math.ceil(toS / dt - 1e-9));
  const h = engine.history;
  const f = frequencyHz;
  // rotate a phasor per sample (exact re-evaluation every 1024 samples)
  let sumRe = 0;
  let sumIm = 0;
  const dc = f * dt - Math.floor(f * dt);
  const cr = Math.cos(TWO_PI * dc), sr = Math.sin(TWO_PI * dc);
  for (let start = a; start < b; start += 1024) {
    const end = Math.min(b, start + 1024);
    const c0 = f * (start * dt - originS);
    const th = TWO_PI * (c0 - Math.floor(c0));
    // e^{−jθ}
    let er = Math.cos(th), ei = -Math.sin(th);
    for (let k = start; k < end; k++) {
      const x = h.read(signal, k);
      sumRe += x * er;
      sumIm += x * ei;
      const nr = er * cr + ei * sr;
      ei = ei * cr - er * sr;
      er = nr;
    }
  }
  // 2j/N · (sumRe + j sumIm) = (−2 sumIm + 2j sumRe)/N
  const n = b - a;
  let re = (-2 * sumIm) / n;
  let im = (2 * sumRe) / n;
  if (f >= engine.fastLimitHz && (signal === 0 || signal === 1)) {
    for (const tone of engine.fastTones[signal]) {
      const d = tone.frequencyHz - f;
      if (Math.abs(d) >= engine.fastLimitHz) continue;
      // tone = A·sin(2π f_t t + ψ) = A·sin(θ + 2π f_t·originS + 2π d (t − originS) + ψ) … averaged over the window
      const T = toS - fromS;
      const centre = (fromS + toS) / 2;
      const x = Math.PI * d * T;
      const sinc = Math.abs(x) < 1e-8 ? 1 : Math.sin(x) / x;
      const c = f * originS + d * centre;
      const rot = TWO_PI * (c - Math.floor(c));
      const cr2 = Math.cos(rot) * sinc, sr2 = Math.sin(rot) * sinc;
      re += tone.re * cr2 - tone.im * sr2;
      im += tone.re * sr2 + tone.im * cr2;
    }
  }
  return { re, im };
}

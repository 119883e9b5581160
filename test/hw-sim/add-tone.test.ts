import test from 'ava';
import { addTone } from '@labrx/hw-sim/testing';

test('addTone adds amplitude·sin(2π(c0 + j·dc)) to rounding accuracy: odd and even lengths, across resyncs, any per-sample advance', (t) => {
  // Two sources of error, both rounding: the phase at each resync, c0 + i·dc in doubles (i < n,
  // i·dc < n cycles, so off by at most n·2^−53 cycles: 2π·n·2^−53 of the amplitude), and the two
  // phasor chains (even and odd samples), each rotated up to 128 times between resyncs, drifting by
  // 128 · a few ulp < 1e-13 of the amplitude. The tolerance is the sum, doubled. The reference takes
  // j·dc exactly (Dekker's product), so its own phase error is ~1e-16 cycles.
  const base = 0.25; // addTone adds: out starts at this
  for (const dc of [0, 1e-9, 0.0704, 0.123456789, 0.25, 0.4999, 0.5, 0.75, 0.9999999, 3.3]) {
    for (const [from, to] of [[0, 1], [0, 2], [5, 260], [3, 259], [0, 256], [7, 2999]] as const) {
      const amplitude = 0.7;
      const c0 = 0.3183;
      const out = new Float64Array(to + 3).fill(base);
      addTone(out, from, to, amplitude, c0, dc);
      let worst = 0;
      for (let j = 0; j < to - from; j++) {
        const [p, e] = twoProduct(j, dc - Math.floor(dc));
        const c = c0 + (p - Math.floor(p)) + e;
        const want = base + amplitude * Math.sin(2 * Math.PI * (c - Math.floor(c)));
        worst = Math.max(worst, Math.abs(out[from + j]! - want));
      }
      const tolerance = 2 * amplitude * (2 * Math.PI * (to - from) * 2 ** -53 + 1e-13);
      t.true(worst < tolerance, `dc ${dc}, [${from}, ${to}): worst error ${worst} V (tolerance ${tolerance} V)`);
      t.true(out.subarray(0, from).every((v) => v === base) && out.subarray(to).every((v) => v === base), 'writes only out[from … to)');
    }
  }
});

// a·b = p + e exactly (Dekker 1971; no overflow for these magnitudes)
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const split = (x: number): [number, number] => {
    const c = 134217729 * x;
    const hi = c - (c - x);
    return [hi, x - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

import test from 'ava';
import { NoiseBlocks, digitise, quantise, roundHalfUp } from '@labrx/hw-sim/testing';

// the neighbours of x on the float64 grid
const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  bits[0] = x;
  word[0] = word[0]! + (x > 0 ? 1n : -1n);
  return bits[0]!;
}
const nextDown = (x: number) => -nextUp(-x);

test('roundHalfUp is Math.round bit for bit: ties, a step either side of ties, signed zeros, non-finite values, random values', (t) => {
  const xs: number[] = [0, -0, 0.5, -0.5, 0.49999999999999994, -0.49999999999999994, 1.5, -1.5, 2.5, -2.5, NaN, Infinity, -Infinity, 2 ** 52, -(2 ** 52), 2 ** 52 + 1, 2 ** 53, -(2 ** 53) - 2, Number.MIN_VALUE, -Number.MIN_VALUE, 1e300, -1e300];
  for (let k = -9000; k <= 9000; k++) {
    const tie = k + 0.5;
    xs.push(tie, nextUp(tie), nextDown(tie), k, nextUp(k), nextDown(k));
  }
  let seed = 12345;
  const uniform = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const scale of [0.7, 3, 100, 8192, 1e9, 1e16]) for (let i = 0; i < 20000; i++) xs.push((uniform() * 2 - 1) * scale);
  let mismatches = 0;
  for (const x of xs) if (!Object.is(roundHalfUp(x), Math.round(x))) mismatches++;
  t.is(mismatches, 0, `${mismatches} of ${xs.length} values differ from Math.round`);
});

test('digitise gives exactly noise.add then quantise, across noise-block boundaries, with and without noise, in place or from another array', (t) => {
  const size = 1000;
  const lsb = 2 / 2 ** 14;
  for (const std of [0, 3e-4, 0.05]) {
    const a = new Float64Array(2500);
    for (let i = 0; i < a.length; i++) a[i] = 0.9 * Math.sin(i * 0.0123) + (i % 7 === 0 ? 0.3 : 0) - lsb / 2; // clips at times; ties at −½ LSB
    const b = a.slice();
    const input = new Float64Array(2400);
    input.set(a.subarray(100, 2400), 100); // the same noiseless samples in another array
    const c = new Float64Array(a.length).fill(NaN);
    const first = 1700; // starts inside block 1, crosses blocks 2 and 3
    digitise(c, 100, 2400, new NoiseBlocks([9, 0], 4, size, 4), 1, first, std, lsb, 14, input, 100);
    digitise(a, 100, 2400, new NoiseBlocks([9, 0], 4, size, 4), 1, first, std, lsb, 14);
    new NoiseBlocks([9, 0], 4, size, 4).add(b, 100, 2400, 1, first, std);
    quantise(b, 100, 2400, lsb, 14);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (Object.is(a[i], b[i])) same++;
    t.is(same, a.length, `std ${std}`);
    let fromInput = 0;
    for (let i = 100; i < 2400; i++) if (Object.is(c[i], b[i])) fromInput++;
    t.is(fromInput, 2300, `std ${std}, read from another array`);
    t.true(Number.isNaN(c[99]!) && Number.isNaN(c[2400]!), 'writes only out[from … to)');
  }
});

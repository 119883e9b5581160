import type { NoiseBlocks } from './NoiseBlocks.js';
import { quantise, roundHalfUp } from './quantise.js';

/**
 * The last two steps of an input, in one pass: adds std · noise[stream][first + j] (the input
 * noise, `NoiseBlocks`) to out[from + j], then quantises as the ADC (`quantise`: integer multiples
 * of `lsbV`, clipped to `bits`). The numbers are exactly those of `noise.add` followed by
 * `quantise` (the same operations in the same order, per sample); each sample is read and written
 * once instead of twice, which matters when streams render every sample (decision 0016).
 *
 * @param std Volts: the noise's standard deviation per output sample (0: quantise only).
 * @param lsbV Volts per ADC count.
 * @param bits ADC resolution (14 on a 125-14).
 * @param input Where the noiseless samples are read (default `out` itself): input[inputFrom + j]
 *   for out[from + j]. Rendering into a scratch array that stays in cache and writing fresh output
 *   memory only here is cheaper than three passes over it.
 */
export function digitise(
  out: Float64Array,
  from: number,
  to: number,
  noise: NoiseBlocks,
  stream: number,
  first: number,
  std: number,
  lsbV: number,
  bits: number,
  input: Float64Array = out,
  inputFrom: number = from,
): void {
  if (std === 0) {
    if (input !== out || inputFrom !== from) out.set(input.subarray(inputFrom, inputFrom + (to - from)), from);
    return quantise(out, from, to, lsbV, bits);
  }
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  const inv = 1 / lsbV;
  const size = noise.blockSize;
  let i = from;
  let index = first;
  while (i < to) {
    const block = Math.floor(index / size);
    const offset = index - block * size;
    const length = Math.min(to - i, size - offset);
    const src = noise.block(stream, block);
    const d = offset - i; // src[j + d] is the noise of out[j]
    const e = inputFrom - from; // input[j + e] is its noiseless value
    const end = i + length;
    for (let j = i; j < end; j++) {
      let n = roundHalfUp((input[j + e]! + std * src[j + d]!) * inv);
      n = n < lo ? lo : n > hi ? hi : n;
      out[j] = n * lsbV;
    }
    i = end;
    index += length;
  }
}

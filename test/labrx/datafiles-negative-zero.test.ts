import test from 'ava';
import { decodeResult, encodeResult, type Trace } from 'labrx';

/** A trace whose samples include −0 (the simulator's ADC gives −0 V for a tiny negative input), NaN and ±Infinity. */
const trace: Trace = {
  ch1: Float64Array.from([-0, 0, 0.5, -0.25, -0, 1e-300]),
  ch2: Float64Array.from([0, -0, NaN, Infinity, -Infinity, -1e-300]),
  dt: 8e-9,
  t0: -0,
  timestamp: 12.5,
  averages: 1,
  settings: { decimation: 1 },
} as unknown as Trace;

for (const format of ['csv', 'json', 'npy'] as const) {
  test(`a ${format} file keeps −0 as −0, bit for bit`, (t) => {
    const encoded = encodeResult(trace, format);
    const back = decodeResult(format, encoded.main, encoded.sidecar).result as Trace;
    for (const ch of ['ch1', 'ch2'] as const) {
      t.is(back[ch].length, trace[ch].length);
      for (let i = 0; i < trace[ch].length; i++) t.true(Object.is(back[ch][i], trace[ch][i]), `${ch}[${i}]: ${back[ch][i]} for ${trace[ch][i]}`);
    }
  });
}

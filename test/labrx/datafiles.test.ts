import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@labrx/core/testing';
import {
  connect,
  DataFileError,
  decodeNpy,
  encodeNpy,
  frequencyResponse,
  loadResult,
  resonator,
  resultToSvg,
  saveResult,
  type FrequencyResponse,
  type LoadedResult,
  type SavableResult,
  type Spectrum,
  type Trace,
} from 'labrx';
import { plotSpec } from 'labrx/testing';

const F0 = 1e6;
const GAIN = 0.5;

/** Results measured on a simulated resonator, in virtual time (no wall-clock waiting). */
async function measured() {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 11, scheduler: clock, dut: resonator({ f0: F0, q: 20, gain: GAIN }) } });
  try {
    await clock.run(rp.asg0.set({ frequency: 2e5, amplitude: 0.4, output: 'out1' }));
    const trace = await clock.run(rp.scope.single({ decimation: 64, averages: 2 }));
    const spectrum = await clock.run(rp.specan.single({ decimation: 64, unit: 'dBm', input: 'in1', window: 'flattop', averages: 2 }));
    const response = await clock.run(rp.na.single({ start: 5e5, stop: 2e6, points: 41, rbw: 2000 }));
    return { trace, spectrum, response };
  } finally {
    await rp.close();
  }
}
const results = measured();

/** Every field of a result, with typed arrays as plain arrays and methods evaluated, for deepEqual. */
function plain(r: SavableResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === 'function') continue;
    out[k] = ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v;
  }
  if ('re' in r) {
    out.magnitude = Array.from(r.magnitude());
    out.phaseDeg = Array.from(r.phaseDeg());
  }
  // settings are compared as data (a frozen object and a parsed one are equal)
  out.settings = JSON.parse(JSON.stringify(r.settings ?? null));
  return out;
}

async function roundTrip(result: SavableResult, ext: 'csv' | 'json' | 'npy'): Promise<{ loaded: LoadedResult; files: string[]; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-datafiles-'));
  const files = await saveResult(join(dir, `result.${ext}`), result);
  return { loaded: await loadResult(files[0]!), files, dir };
}

for (const ext of ['csv', 'json', 'npy'] as const) {
  for (const kind of ['trace', 'spectrum', 'response'] as const) {
    test(`${kind} saved as .${ext} loads back equal, bit for bit`, async (t) => {
      const r = (await results)[kind];
      const { loaded, files, dir } = await roundTrip(r, ext);
      t.is(loaded.kind, kind === 'response' ? 'frequency-response' : kind);
      t.deepEqual(plain(loaded.result), plain(r));
      t.deepEqual(files.map((f) => f.slice(dir.length + 1)), ext === 'npy' ? ['result.npy', 'result.npy.json'] : [`result.${ext}`]);
      await rm(dir, { recursive: true });
    });
  }
}

test('the spectrum fixture exercises what JSON cannot hold and an absent channel', async (t) => {
  const { spectrum } = await results;
  // input 'in1': ch2 was not analysed and is empty; the file must keep it empty, not invent a column
  t.is(spectrum.ch2.length, 0);
  const weird: Spectrum = { ...spectrum, ch1: Float64Array.from(spectrum.ch1, (v, i) => (i === 0 ? -Infinity : i === 1 ? NaN : i === 2 ? Infinity : v)) };
  for (const ext of ['csv', 'json', 'npy'] as const) {
    const { loaded, dir } = await roundTrip(weird, ext);
    const ch1 = (loaded.result as Spectrum).ch1;
    t.is(ch1[0], -Infinity, ext);
    t.true(Number.isNaN(ch1[1]), ext);
    t.is(ch1[2], Infinity, ext);
    t.deepEqual(Array.from(ch1.subarray(3)), Array.from(weird.ch1.subarray(3)), ext);
    await rm(dir, { recursive: true });
  }
});

test('CSV carries settings and units in # header lines, then one column per quantity', async (t) => {
  const { trace } = await results;
  const dir = await mkdtemp(join(tmpdir(), 'labrx-datafiles-'));
  await saveResult(join(dir, 'scope.csv'), trace);
  const text = await readFile(join(dir, 'scope.csv'), 'utf8');
  const lines = text.split('\n');
  t.true(lines.includes('# units: ["s","V","V"]'));
  t.true(lines.includes(`# dt: ${trace.dt}`));
  t.regex(text, /^# settings: \{"decimation":64,/m);
  const header = lines.findIndex((l) => !l.startsWith('#'));
  t.is(lines[header], 't,ch1,ch2');
  t.is(lines.length - header - 2, 16384); // rows, less the header row and the final empty line
  // the t column is the sample times: t0 + i·dt (seconds since the trigger)
  const row = lines[header + 1 + 100]!.split(',').map(Number);
  t.is(row[0], trace.t0 + 100 * trace.dt);
  t.is(row[1], trace.ch1[100]);
  await rm(dir, { recursive: true });
});

test('.npy is NumPy format 1.0: magic, 64-byte aligned header, little-endian <f8 rows × columns', async (t) => {
  const data = Float64Array.from([1, 2, 3, 4, 5, 6.5]);
  const bytes = encodeNpy(data, [3, 2]);
  t.deepEqual(Array.from(bytes.subarray(0, 8)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLength = bytes[8]! | (bytes[9]! << 8);
  t.is((10 + headerLength) % 64, 0);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  t.regex(header, /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(3, 2\), \} *\n$/);
  t.is(new DataView(bytes.buffer).getFloat64(10 + headerLength + 5 * 8, true), 6.5);
  t.deepEqual(decodeNpy(bytes), { shape: [3, 2], data });
  t.deepEqual(decodeNpy(encodeNpy(Float64Array.from([7, 8]), [2])).shape, [2]);
});

test('decodeNpy reads Fortran order and float32 as numpy writes them', (t) => {
  // numpy.asfortranarray([[1, 2, 3], [4, 5, 6]], dtype='<f4'): column-major bytes 1 4 2 5 3 6
  const header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }".padEnd(117, ' ') + '\n';
  const bytes = new Uint8Array(10 + header.length + 24);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  bytes.set(new TextEncoder().encode(header), 10);
  new Float32Array(bytes.buffer, 10 + header.length, 6).set([1, 4, 2, 5, 3, 6]);
  t.deepEqual(decodeNpy(bytes), { shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]) });
  t.throws(() => decodeNpy(bytes.subarray(0, bytes.length - 4)), { instanceOf: DataFileError, message: /truncated/ });
});

test('unknown extensions, foreign files and a missing .npy sidecar are DataFileErrors naming the file', async (t) => {
  const { response } = await results;
  const dir = await mkdtemp(join(tmpdir(), 'labrx-datafiles-'));
  await t.throwsAsync(saveResult(join(dir, 'x.txt'), response), { instanceOf: DataFileError, message: /x\.txt: unknown extension '\.txt': one of \.csv, \.json, \.npy/ });
  await writeFile(join(dir, 'foreign.csv'), 'a,b\n1,2\n');
  await t.throwsAsync(loadResult(join(dir, 'foreign.csv')), { instanceOf: DataFileError, message: /not a labrx CSV file/ });
  const [npy, sidecar] = await saveResult(join(dir, 'na.npy'), response);
  await rm(sidecar!);
  await t.throwsAsync(loadResult(npy!), { instanceOf: DataFileError, message: /sidecar/ });
  await rm(dir, { recursive: true });
});

test('the SVG plot of a resonance shows its peak at f0 with |H| = gain', async (t) => {
  const { response } = await results;
  // the 41 log-spaced points from 5e5 to 2e6 include f0 = 1e6 exactly (point 20: 5e5·4^(20/40))
  const spec = plotSpec(response, 600, 240) as { data: { values: { x: number; db: number; deg: number }[] } };
  const peak = spec.data.values.reduce((a, b) => (b.db > a.db ? b : a));
  t.true(Math.abs(peak.x / F0 - 1) < 1e-9, `peak at ${peak.x} Hz`);
  // |H(f0)| = gain = 0.5, −6.02 dB. The noise (1e-7 V/√Hz over ~rbw = 2 kHz: 4.5e-6 V) against the
  // 0.05 V reaching in1 is 1e-4 relative, 0.001 dB; 0.02 dB also covers the demodulator's window.
  t.true(Math.abs(peak.db - 20 * Math.log10(GAIN)) < 0.02, `${peak.db} dB`);
  // the phase of a band-pass resonator crosses 0 at f0
  t.true(Math.abs(peak.deg) < 2, `${peak.deg} deg`);
  const svg = await resultToSvg(response);
  t.regex(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.true(svg.includes('>|H| (dB)<'));
  t.true(svg.includes('>phase (deg)<'));
});

test('SVG plots of a trace and a spectrum draw every channel with its unit', async (t) => {
  const { trace, spectrum } = await results;
  const traceSpec = plotSpec(trace, 500, 200) as { data: { values: { x: number; y: number; series: string }[] } };
  const ch2 = traceSpec.data.values.filter((r) => r.series === 'ch2');
  // 16384 samples as a 500-column min/max envelope: 1000 points per channel, same extremes
  t.is(ch2.length, 1000);
  t.is(Math.max(...ch2.map((r) => r.y)), Math.max(...trace.ch2));
  t.is(Math.min(...ch2.map((r) => r.y)), Math.min(...trace.ch2));
  const svgTrace = await resultToSvg(trace, { title: 'my trace' });
  // 16384 samples at decimation 64 span 8.4 ms: the axis is in ms (booleans keep failures short)
  t.true(svgTrace.includes('>my trace<'));
  t.true(svgTrace.includes('>time since trigger (ms)<'));
  const svgSpectrum = await resultToSvg(spectrum);
  t.true(svgSpectrum.includes('>dBm<'));
});

test('a hand-made frequency response without averages round-trips without inventing them', async (t) => {
  const h: FrequencyResponse = frequencyResponse(Float64Array.from([1, 2]), Float64Array.from([0.5, 0.25]), Float64Array.from([0, -0.25]), { note: 'hand-made' });
  const { loaded, dir } = await roundTrip(h, 'json');
  t.false('averages' in loaded.result);
  t.deepEqual(plain(loaded.result), plain(h));
  await rm(dir, { recursive: true });
});

test('a trace loaded back keeps its time base', async (t) => {
  const { trace } = await results;
  const { loaded, dir } = await roundTrip(trace, 'npy');
  const back = loaded.result as Trace;
  t.is(back.dt, 64 / 125e6);
  t.is(back.t0, trace.t0);
  t.is(back.timestamp, trace.timestamp);
  await rm(dir, { recursive: true });
});

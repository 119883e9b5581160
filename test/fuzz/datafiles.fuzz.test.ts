import test from 'ava';
import fc from 'fast-check';
import { DataFileError, decodeResult, encodeResult, frequencyResponse, type DataFormat } from 'labrx';

// Fuzz of the data-file loaders (issue #12): whatever bytes a .csv, .json or .npy file (and its
// sidecar) holds, decoding gives a valid result or a DataFileError, never another exception, and
// never allocates in proportion to what the file merely declares. Seeded and bounded.

const response = frequencyResponse(Float64Array.from([1e5, 2e5, 4e5]), Float64Array.from([0.5, 0.25, -0.125]), Float64Array.from([0, -0.25, 1e-300]), { start: 1e5, stop: 4e5 });
const trace = { dt: 8e-9, t0: -1.6e-8, ch1: Float64Array.from([0.1, -0.2, NaN]), ch2: new Float64Array(0), averages: 1, settings: null, timestamp: 5 };
// a spectrogram: its bins are columns named by frequency (ch1@…, ch2@…), parsed back from the names
const spectrogram = { frequencies: Float64Array.from([0, 1953.125]), times: Float64Array.from([0.5, 0.75]), ch1: Float64Array.from([-90, -10, NaN, -Infinity]), ch2: Float64Array.from([1, 2, 3, 4]), unit: 'dBm' as const, rbw: 2000, window: 'hann', averages: 2, settings: null };
const valid = {
  csv: [encodeResult(response, 'csv'), encodeResult(trace as never, 'csv'), encodeResult(spectrogram, 'csv')],
  json: [encodeResult(response, 'json'), encodeResult(trace as never, 'json'), encodeResult(spectrogram, 'json')],
  npy: [encodeResult(response, 'npy'), encodeResult(trace as never, 'npy'), encodeResult(spectrogram, 'npy')],
};

/** Decodes; returns 'ok' or 'DataFileError', and fails the property on any other exception. */
function outcome(format: DataFormat, main: Uint8Array | string, sidecar: string | undefined): string {
  try {
    decodeResult(format, main, sidecar, `fuzz.${format}`);
    return 'ok';
  } catch (error) {
    if (error instanceof DataFileError) return 'DataFileError';
    throw new Error(`${format}: ${String(error)}`, { cause: error });
  }
}

/** Mutations of a text: a slice replaced by random text, cut short, or lines shuffled in. */
const mutatedText = (text: string) =>
  fc.oneof(
    fc.tuple(fc.nat({ max: text.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 40, unit: 'binary' })).map(([at, n, s]) => text.slice(0, at) + s + text.slice(at + n)),
    fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
    fc.tuple(fc.nat({ max: text.length }), fc.constantFrom('0x10', '0b11', '1e999', '-', '"', '{', '[', 'null', '\n', ',', '#', '1e-400', '{"$float":"NaN"}', '99999999999999999999', ':', '"shape": (0, 20000000)')).map(
      ([at, s]) => text.slice(0, at) + s + text.slice(at),
    ),
  );

const heapLimitBytes = 256 * 2 ** 20;

for (const format of ['csv', 'json'] as const) {
  test(`${format}: mutated files load or are a DataFileError`, (t) => {
    const seen = new Map<string, number>();
    const start = process.memoryUsage().heapUsed;
    for (const file of valid[format]) {
      const text = file.main as string;
      fc.assert(
        fc.property(mutatedText(text), (mutated) => {
          const o = outcome(format, mutated, undefined);
          seen.set(o, (seen.get(o) ?? 0) + 1);
        }),
        { seed: 7, numRuns: 600 },
      );
    }
    t.true(process.memoryUsage().heapUsed - start < heapLimitBytes);
    t.log([...seen].map(([k, n]) => `${k}: ${n}`).join(', '));
    t.true((seen.get('DataFileError') ?? 0) > 0 && (seen.get('ok') ?? 0) > 0, 'both outcomes were met');
  });
}

test('json: random JSON documents are a DataFileError or a result', (t) => {
  const doc = fc.record({
    format: fc.oneof(fc.constant('labrx'), fc.jsonValue()),
    version: fc.oneof(fc.constant(1), fc.jsonValue()),
    kind: fc.oneof(fc.constantFrom('trace', 'spectrum', 'frequency-response', 'toString', '__proto__'), fc.jsonValue()),
    meta: fc.oneof(fc.dictionary(fc.constantFrom('dt', 't0', 'averages', 'timestamp', 'unit', 'rbw', 'window', 'settings'), fc.jsonValue()), fc.jsonValue()),
    columns: fc.oneof(fc.array(fc.oneof(fc.record({ name: fc.constantFrom('t', 'ch1', 'ch2', 'f', 're', 'im', 'constructor'), unit: fc.jsonValue() }), fc.jsonValue()), { maxLength: 5 }), fc.jsonValue()),
    data: fc.oneof(fc.dictionary(fc.constantFrom('t', 'ch1', 'ch2', 'f', 're', 'im', 'constructor'), fc.oneof(fc.array(fc.double(), { maxLength: 4 }), fc.jsonValue())), fc.jsonValue()),
  });
  const seen = new Map<string, number>();
  fc.assert(
    fc.property(doc, (d) => {
      const o = outcome('json', JSON.stringify(d), undefined);
      seen.set(o, (seen.get(o) ?? 0) + 1);
    }),
    { seed: 8, numRuns: 1500 },
  );
  t.log([...seen].map(([k, n]) => `${k}: ${n}`).join(', '));
  t.pass();
});

test('npy: random headers, shapes and bytes, with valid or mutated sidecars, load or are a DataFileError, without huge allocations', (t) => {
  const dim = fc.oneof(fc.nat({ max: 4 }), fc.constantFrom(0, 1, 2, 3, 5, 20_000_000, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -1), fc.constantFrom('1e3', '0x10', '', 'x', '1.5', 'None'));
  const header = fc.record({
    descr: fc.constantFrom("'<f8'", "'<f4'", "'>f8'", "'<i2'", "''", 'None'),
    fortran: fc.constantFrom('False', 'True', 'maybe'),
    shape: fc.array(dim, { maxLength: 4 }).map((d) => `(${d.join(', ')}${d.length === 1 ? ',' : ''})`),
  });
  const file = fc.tuple(header, fc.constantFrom(1, 2, 3, 9), fc.uint8Array({ maxLength: 200 }), fc.boolean()).map(([h, major, body, alignedLength]) => {
    const text = `{'descr': ${h.descr}, 'fortran_order': ${h.fortran}, 'shape': ${h.shape}, }`;
    const enc = new TextEncoder().encode(text);
    const pre = major === 1 ? 10 : 12;
    const out = new Uint8Array(pre + enc.length + body.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
    const view = new DataView(out.buffer);
    const len = alignedLength ? enc.length : enc.length + 1000;
    if (major === 1) view.setUint16(8, len & 0xffff, true);
    else view.setUint32(8, len, true);
    out.set(enc, pre);
    out.set(body, pre + enc.length);
    return out;
  });
  const sidecars = valid.npy.map((v) => v.sidecar!);
  const sidecar = fc.oneof(fc.constantFrom(...sidecars), fc.constantFrom(...sidecars).chain((s) => mutatedText(s)));
  const seen = new Map<string, number>();
  const start = process.memoryUsage().heapUsed;
  fc.assert(
    fc.property(fc.oneof(file, fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...valid.npy.map((v) => v.main as Uint8Array))), sidecar, (bytes, side) => {
      const o = outcome('npy', bytes, side);
      seen.set(o, (seen.get(o) ?? 0) + 1);
    }),
    { seed: 9, numRuns: 3000 },
  );
  t.true(process.memoryUsage().heapUsed - start < heapLimitBytes, `${process.memoryUsage().heapUsed - start} bytes more heap`);
  t.log([...seen].map(([k, n]) => `${k}: ${n}`).join(', '));
  t.true((seen.get('ok') ?? 0) > 0);
});

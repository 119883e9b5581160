import test from 'ava';
import { DataFileError, decodeResult, encodeNpy, encodeResult, frequencyResponse } from 'labrx';

/**
 * Hostile data files (issue #12, case 1): a file is rejected with a DataFileError before anything
 * proportional to what it merely *declares* is allocated, and CSV cells are read as decimal numbers
 * only (no hexadecimal, binary, or decimals that overflow to ±Infinity).
 */

/** A .npy v1.0 file of '<f8' values declaring `shapeText`, with no data after the header. */
function npyDeclaring(shapeText: string): Uint8Array {
  const header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`.padEnd(117, ' ') + '\n';
  const bytes = new Uint8Array(10 + header.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  bytes.set(new TextEncoder().encode(header), 10);
  return bytes;
}

const response = frequencyResponse(Float64Array.from([1e5, 2e5]), Float64Array.from([0.5, 0.25]), Float64Array.from([0, -0.25]), null);
const valid = encodeResult(response, 'npy');

test('a 128-byte .npy declaring (0, 20000000) is a DataFileError, not 20 M allocations', (t) => {
  const bytes = npyDeclaring('(0, 20000000)');
  t.is(bytes.length, 128);
  const before = process.memoryUsage().heapUsed;
  t.throws(() => decodeResult('npy', bytes, valid.sidecar, 'huge.npy'), { instanceOf: DataFileError, message: /huge\.npy: .*20000000 columns.*5/ });
  // 20 M empty Float64Arrays would take well over 1 GiB; a refusal allocates next to nothing
  t.true(process.memoryUsage().heapUsed - before < 16 * 2 ** 20);
});

test('a .npy declaring (0, 2^32) is a DataFileError, not a RangeError', (t) => {
  t.throws(() => decodeResult('npy', npyDeclaring(`(0, ${2 ** 32})`), valid.sidecar, 'wide.npy'), { instanceOf: DataFileError, message: /wide\.npy/ });
});

test('a .npy declaring more dimensions or columns than its data hold is a DataFileError', (t) => {
  for (const shape of ['(0, 0, 4294967296)', '(4294967296, 0)', '(1, 20000000)', '(9007199254740993, 0)']) {
    t.throws(() => decodeResult('npy', npyDeclaring(shape), valid.sidecar, 'x.npy'), { instanceOf: DataFileError }, shape);
  }
  // the encoder's own output still loads
  t.deepEqual(Array.from((decodeResult('npy', valid.main, valid.sidecar).result as typeof response).re), [0.5, 0.25]);
  t.is(encodeNpy(new Float64Array(0), [0, 5]).length, 128);
});

test('CSV cells 0x10, 0b11, 0o7 and 1e999 are not numbers; NaN, ±Infinity and decimals are', (t) => {
  const csv = encodeResult(response, 'csv').main as string;
  const lines = csv.trimEnd().split('\n');
  const row = lines.at(-1)!.split(',');
  for (const cell of ['0x10', '0b11', '0o7', '1e999', '-1e999', '1_000', 'Infinityx', '+-1']) {
    const bad = [...lines.slice(0, -1), [cell, ...row.slice(1)].join(',')].join('\n') + '\n';
    t.throws(() => decodeResult('csv', bad, undefined, 'bad.csv'), { instanceOf: DataFileError, message: new RegExp(`bad\\.csv: line ${lines.length}: .* is not a number`) }, cell);
  }
  for (const [cell, value] of [['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['1e-7', 1e-7], ['-.5', -0.5], ['3.', 3], ['+2E3', 2000], ['5e-324', 5e-324]] as const) {
    const ok = [...lines.slice(0, -1), [cell, ...row.slice(1)].join(',')].join('\n') + '\n';
    const loaded = decodeResult('csv', ok).result as typeof response;
    t.is(loaded.frequencies[1], value, cell);
  }
});

// Found by test/fuzz/datafiles.fuzz.test.ts (seed 8): a JSON document with a null column was a TypeError.
test('fuzz regression: a labrx JSON document with a null column, an array as meta, or a column named constructor is a DataFileError', (t) => {
  const docs = [
    '{"format":"labrx","version":1,"kind":{},"meta":[],"columns":[null],"data":{}}',
    '{"format":"labrx","version":1,"kind":"trace","meta":[],"columns":[],"data":{}}',
    '{"format":"labrx","version":1,"kind":"trace","meta":{},"columns":[{"name":"constructor","unit":"1"}],"data":{}}',
    '{"format":"labrx","version":1,"kind":"trace","meta":{},"columns":[{"name":"t","unit":"s"}],"data":[[1]]}',
    '[]',
    'null',
  ];
  for (const doc of docs) t.throws(() => decodeResult('json', doc, undefined, 'odd.json'), { instanceOf: DataFileError, message: /odd\.json/ }, doc);
  // the same checks guard the .npy sidecar
  t.throws(() => decodeResult('npy', valid.main, '{"format":"labrx","version":1,"kind":"trace","columns":[null]}', 'odd.npy'), { instanceOf: DataFileError });
});

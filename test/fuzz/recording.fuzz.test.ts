import test from 'ava';
import fc from 'fast-check';
import { parseRecording, RecordingFormatError, RECORDING_MAGIC } from '@labrx/scpi';

// Fuzz of the recording parser (issue #12: every parser of files): random bytes, random header lines
// after the magic, and well-formed headers followed by random records each give a recording or a
// RecordingFormatError naming the file — never another exception. Seeded and bounded.

const header = { format: 'labrx-rec', version: 1 };
const records = fc.array(
  fc.tuple(fc.constantFrom(0, 1, 2, 7), fc.double(), fc.uint8Array({ maxLength: 24 }), fc.integer({ min: 0, max: 40 })).map(([kind, t, payload, lie]) => {
    const head = Buffer.alloc(13);
    head.writeUInt8(kind, 0);
    head.writeDoubleLE(t, 1);
    head.writeUInt32LE(payload.length + (lie > 35 ? lie * 1e6 : 0), 9); // sometimes a length past the end
    return Buffer.concat([head, payload]);
  }),
  { maxLength: 6 },
);
const file = fc.oneof(
  fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(`${RECORDING_MAGIC}${JSON.stringify(v)}\n`)),
  fc.string({ maxLength: 20 }).map((s) => Buffer.from(`${RECORDING_MAGIC}${s}`)),
  records.map((rs) => Buffer.concat([Buffer.from(`${RECORDING_MAGIC}${JSON.stringify(header)}\n`), ...rs])),
);

test('random files give a recording or a RecordingFormatError naming the file, nothing else', (t) => {
  let ok = 0;
  let refused = 0;
  fc.assert(
    fc.property(file, (bytes) => {
      try {
        parseRecording(bytes, 'fuzz.labrx-rec');
        ok++;
      } catch (error) {
        if (!(error instanceof RecordingFormatError)) throw error;
        t.is(error.path, 'fuzz.labrx-rec');
        refused++;
      }
    }),
    { seed: 777, numRuns: 2000 },
  );
  t.log(`${ok} parsed, ${refused} refused`);
});

test('regression (found by the fuzz): a header line `null` is a RecordingFormatError, not a TypeError', (t) => {
  const e = t.throws(() => parseRecording(Buffer.from(`${RECORDING_MAGIC}null\n`), 'x.labrx-rec'), { instanceOf: RecordingFormatError });
  t.regex(e!.message, /x\.labrx-rec: the header line is null, not an object/);
});

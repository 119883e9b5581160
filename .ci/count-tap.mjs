// Reads AVA's TAP output (a file path as argv[2]) and prints the line CI reads: "N passed, N failed".
// Exits non-zero when any test failed or when no test ran at all.
import { readFileSync } from 'node:fs';

const tap = readFileSync(process.argv[2], 'utf8').split('\n');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of tap) {
  if (/^not ok\b/.test(line)) {
    if (/#\s*TODO/i.test(line)) skipped++;
    else failed++;
  } else if (/^ok\b/.test(line)) {
    if (/#\s*SKIP/i.test(line)) skipped++;
    else passed++;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (passed === 0) {
  console.error('no test ran: that is a failure');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);

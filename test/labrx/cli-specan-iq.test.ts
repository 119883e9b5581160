import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResult, type Spectrum } from 'labrx';
import { buildSpecanCommand } from 'labrx/testing';
import { runCommandInProcess } from '../helpers/runCommandInProcess.js';

test('labrx specan --mode iq --center 1e6: the flags come from the declaration; a 0.5 V tone at +37 kHz reads 0.25 Vpk² there, in JSON and CSV files alike', async (t) => {
  const help = buildSpecanCommand().helpInformation().replace(/\s+/g, ' ');
  t.regex(help, /--mode <name> .* one of 'baseband', 'iq' \(default baseband\)/);
  t.regex(help, /--center <Hz> centre frequency of mode 'iq': a number from 0 to 62500000 \(Hz\)/);
  const dir = await mkdtemp(join(tmpdir(), 'labrx-cli-iq-'));
  try {
    for (const file of ['spectrum.json', 'spectrum.csv']) {
      const r = await runCommandInProcess(buildSpecanCommand, ['--mode', 'iq', '--center', '1e6', '--decimation', '256', '--window', 'flattop', '--asg0', 'frequency=1.037e6,amplitude=0.5,output=out1', '--out', join(dir, file)]);
      t.is(r.code, 0, r.stderr);
      // center ± span (244 kHz at decimation 256), 16384 bins; the peak at the tone
      t.regex(r.stdout, /^spectrum: 16384 bins, 755859 … 1244110 Hz/);
      t.regex(r.stdout, /ch1 peak: 0\.25\d* Vpk\^2 at 10370\d\d Hz/);
      t.notRegex(r.stdout, /ch2 peak/);
      const s = (await loadResult(join(dir, file))).result as Spectrum;
      t.is(s.frequencies.length, 16384);
      t.true(Math.abs(s.frequencies[8192]! - 1e6) < 1e-3, `${s.frequencies[8192]}`);
      t.is(s.ch2.length, 0);
      let k = 0;
      for (let i = 0; i < s.ch1.length; i++) if (s.ch1[i]! > s.ch1[k]!) k = i;
      // flattop: within 0.01 dB; the filters' correction within 0.05 dB (test/physics/specan-iq.test.ts)
      t.true(Math.abs(10 * Math.log10(s.ch1[k]! / 0.25)) < 0.1, `${s.ch1[k]}`);
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("labrx specan --mode iq --input both exits 2 naming the setting and what mode 'iq' allows", async (t) => {
  const r = await runCommandInProcess(buildSpecanCommand, ['--mode', 'iq', '--input', 'both']);
  t.is(r.code, 2);
  t.regex(r.stderr, /specan\.input = "both" is not allowed: 'in1' or 'in2' in mode 'iq'/);
});

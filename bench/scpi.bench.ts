/**
 * SCPI throughput: two-channel 16384-sample traces per second over loopback, in BIN (ScpiBoard, the
 * driver labrx uses) and in ASCII (the same command sequence with `ACQ:DATA:FORMAT ASCII`, parsed
 * as a client would), against the embedded driver's rate (SimBoard.acquire) measured in the same run.
 *
 * The server is `labrx-sim` in its own process (as users run it), so client and server each have a
 * core; decimation 1 (a 131 µs buffer) so that the figures show the protocol, not the wait. Rounds
 * alternate the three modes so that drift on this shared machine hits them alike; the median round
 * is reported. Target from issue #5: ≥ 300 traces/s in BIN (a real board's SCPI path is reported at
 * about 0.66 s per triggered capture, issue #256 of RedPitaya/RedPitaya).
 *
 * Run alone: npx tsx bench/scpi.bench.ts   (writes bench/results/scpi.md)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { firstValueFrom } from 'rxjs';
import { median, rate, spawnLabrxSim } from './measure.js';
import { ASG_DEFAULTS, SCOPE_DEFAULTS } from '@labrx/core';
import { createSimBoard } from '@labrx/hw-sim';
import { connectScpiBoard, type ScpiBoard } from '@labrx/scpi';

const ROUNDS = 5;
const ROUND_MS = 1200;
const N = 16384;
const settings = { ...SCOPE_DEFAULTS, decimation: 1 };
const tone = { ...ASG_DEFAULTS, frequency: 1e6, amplitude: 0.5, output: 'out1' as const };

/** One ASCII trace: the BIN driver's sequence with FORMAT ASCII, both channels parsed to numbers. */
async function asciiTrace(board: ScpiBoard): Promise<[Float64Array, Float64Array]> {
  await board.query('ACQ:DATA:FORMAT ASCII;:ACQ:DATA:UNITS VOLTS;:ACQ:DEC 1;:ACQ:START;:ACQ:TRig NOW;:SYST:ERR:COUN?');
  while ((await board.query('ACQ:TRig:STAT?;FILL?')) !== 'TD;1');
  const reply = await firstValueFrom(board.query$('ACQ:SOUR1:DATA?;:ACQ:SOUR2:DATA?'));
  const parse = (u: string | Buffer | undefined): Float64Array => {
    const parts = String(u).slice(1, -1).split(',');
    const out = new Float64Array(parts.length);
    for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
    if (out.length !== N) throw new Error(`ASCII trace of ${out.length} samples`);
    return out;
  };
  return [parse(reply[0]), parse(reply[1])];
}

// labrx-sim in its own process, OS-picked port
const { url, sim } = await spawnLabrxSim();
const board = await connectScpiBoard(url);
await firstValueFrom(board.setAsg(0, tone));
const embedded = createSimBoard({ seed: 1 });
await firstValueFrom(embedded.setAsg(0, tone));

const modes = {
  embedded: () => firstValueFrom(embedded.acquire(settings)),
  bin: () => firstValueFrom(board.acquire(settings)),
  ascii: () => asciiTrace(board),
};
// warm up every path (JIT, socket buffers)
for (const once of Object.values(modes)) await rate(once, 800);
const rounds: Record<keyof typeof modes, number[]> = { embedded: [], bin: [], ascii: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, once] of Object.entries(modes) as [keyof typeof modes, () => Promise<unknown>][]) rounds[name].push(await rate(once, ROUND_MS));
}
// bytes on the wire per trace (both channels), measured from one reply of each format
const binBytes = 2 * (7 + 4 * N) + 1 + 2;
const asciiReply = await firstValueFrom(board.query$('ACQ:DATA:FORMAT ASCII;:ACQ:SOUR1:DATA?;:ACQ:SOUR2:DATA?'));
const asciiBytes = asciiReply.reduce((n, u) => n + u.length, 0) + 1 + 2;

await board.close();
await embedded.close();
sim.kill('SIGINT');
await new Promise((resolve) => sim.on('exit', resolve));

const emb = median(rounds.embedded);
const bin = median(rounds.bin);
const ascii = median(rounds.ascii);
console.log(`embedded ${emb.toFixed(0)} traces/s, SCPI BIN ${bin.toFixed(0)} traces/s (${(bin / emb).toFixed(2)}×), SCPI ASCII ${ascii.toFixed(0)} traces/s (${(ascii / emb).toFixed(2)}×)`);

const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/scpi.md',
  `## SCPI throughput over loopback (bench/scpi.bench.ts)

Command: \`npx tsx bench/scpi.bench.ts\`. Machine: ${cpus().length} × ${cpu}, Node ${process.version}. One run:
${ROUNDS} alternating rounds of ${ROUND_MS} ms per mode after a warm-up; the median round is shown (all rounds in
brackets). \`labrx-sim\` runs in its own process; decimation 1, trigger NOW, both channels of 16384 samples.
Figures are ratios from one run on a shared 2-core machine; absolute rates vary ±30 % between runs.

| what | traces/s | baseline (same run): embedded SimBoard.acquire | ratio |
|---|---|---|---|
| SCPI BIN (ScpiBoard.acquire: setup line, STAT?;FILL? polls, both channels as float32 blocks, ${binBytes} B/trace) | **${bin.toFixed(0)}** [${fmt(rounds.bin)}] | ${emb.toFixed(0)} [${fmt(rounds.embedded)}] | ${(bin / emb).toFixed(2)} |
| SCPI ASCII (same sequence, \`{…}\` %f text parsed to numbers, ${asciiBytes} B/trace) | **${ascii.toFixed(0)}** [${fmt(rounds.ascii)}] | ${emb.toFixed(0)} | ${(ascii / emb).toFixed(2)} |

Target (issue #5): ≥ 300 traces/s in BIN — ${bin >= 300 ? 'met' : 'NOT met'} in this run. For scale: a real board's SCPI path is
reported at about 0.66 s per triggered capture (≈ 1.5 traces/s, RedPitaya/RedPitaya#256).
`,
);
console.log('wrote bench/results/scpi.md');

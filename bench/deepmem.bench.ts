/**
 * Deep-memory read-out over SCPI on loopback: MB/s of sample payload read from `labrx-sim`'s DDR
 * (`ACQ:AXI:SOUR1:DATA:Start:N?`, BIN) against a bare Node TCP transfer of the same bytes, in the same
 * block sizes (one request and one reply per block), measured in the same run.
 *
 * Both servers run in their own process (as users run labrx-sim), so client and server each have a
 * core. One capture of 2,000,000 samples is taken first (decimation 1, immediate trigger); each
 * round then reads all of it: RAW int16 in blocks of 400,000 samples (800 kB per reply, the
 * format the Red Pitaya documentation recommends for speed), VOLTS float32 in blocks of 240,000
 * (960 kB, the driver's format: `DEEP_READ_SAMPLES` per channel, both channels per line), and the
 * bare TCP peer sending the RAW blocks' byte counts. Rounds alternate the modes; medians shown.
 *
 * Run alone: npx tsx bench/deepmem.bench.ts   (writes bench/results/deepmem.md)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { connect as netConnect, type Socket } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { connectScpiBoard } from '@labrx/scpi';
import { median, spawnLabrxSim } from './measure.js';

const SAMPLES = 2_000_000;
const ROUNDS = 9;
const RAW_BLOCK = 400_000;
const VOLTS_BLOCK = 240_000;

const { url, sim } = await spawnLabrxSim(['--seed', '1']);
const board = await connectScpiBoard({ ...parseUrl(url), timeoutMs: 30_000 });

function parseUrl(u: string): { host: string; port: number } {
  const m = /^scpi:\/\/([^:]+):(\d+)/.exec(u)!;
  return { host: m[1]!, port: Number(m[2]) };
}

// one capture of SAMPLES on channel 1: the whole ring after an immediate trigger
const start = Number(await board.query('ACQ:AXI:START?'));
await board.query(
  `ACQ:AXI:DEC 1;:ACQ:AXI:SOUR1:SET:Buffer ${start},${2 * SAMPLES};:ACQ:AXI:SOUR1:Trig:Dly ${SAMPLES};:ACQ:AXI:SOUR1:ENable ON;:ACQ:DATA:FORMAT BIN;:ACQ:START;:ACQ:TRig NOW;:SYST:ERR:COUN?`,
);
while ((await board.query('ACQ:AXI:SOUR1:TRIG:FILL?')) !== '1') await new Promise((r) => setTimeout(r, 5));
const trig = Number(await board.query('ACQ:AXI:SOUR1:Trig:Pos?'));

/** Reads the whole capture in `block`-sample replies; returns payload bytes per second. */
async function scpiRead(units: 'RAW' | 'VOLTS', block: number): Promise<number> {
  await board.query(`ACQ:AXI:DATA:UNITS ${units};:SYST:ERR:COUN?`);
  const t0 = performance.now();
  let bytes = 0;
  for (let o = 0; o < SAMPLES; o += block) {
    const n = Math.min(block, SAMPLES - o);
    const reply = await firstValueFrom(board.query$(`ACQ:AXI:SOUR1:DATA:Start:N? ${(trig + o) % SAMPLES},${n}`));
    const payload = reply[0];
    if (!Buffer.isBuffer(payload) || payload.length !== n * (units === 'RAW' ? 2 : 4)) throw new Error('bad block');
    bytes += payload.length;
  }
  return bytes / ((performance.now() - t0) / 1000);
}

// The bare TCP peer: for each line "<n>\n" it writes n bytes from one preallocated buffer.
const peerSource = `
const net = require('node:net');
const data = Buffer.alloc(${4 * SAMPLES}, 7);
const server = net.createServer((s) => {
  let text = '';
  s.on('data', (d) => {
    text += d.toString();
    for (let i = text.indexOf('\\n'); i >= 0; i = text.indexOf('\\n')) {
      const n = Number(text.slice(0, i));
      text = text.slice(i + 1);
      s.write(data.subarray(0, n));
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`;
const peer = spawn(process.execPath, ['-e', peerSource], { stdio: ['ignore', 'pipe', 'inherit'] });
const peerPort = await new Promise<number>((resolve) => {
  let out = '';
  peer.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /port (\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
});
const socket: Socket = await new Promise((resolve) => {
  const s = netConnect({ host: '127.0.0.1', port: peerPort }, () => resolve(s));
});
/** Requests `n` bytes and resolves when they have all arrived. */
function bareBlock(n: number): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    const onData = (d: Buffer) => {
      got += d.length;
      if (got >= n) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.write(`${n}\n`);
  });
}
async function bareRead(block: number): Promise<number> {
  const t0 = performance.now();
  let bytes = 0;
  for (let o = 0; o < SAMPLES; o += block) {
    const n = 2 * Math.min(block, SAMPLES - o);
    await bareBlock(n);
    bytes += n;
  }
  return bytes / ((performance.now() - t0) / 1000);
}

const modes = {
  raw: () => scpiRead('RAW', RAW_BLOCK),
  volts: () => scpiRead('VOLTS', VOLTS_BLOCK),
  bare: () => bareRead(RAW_BLOCK),
};
for (const once of Object.values(modes)) await once(); // warm up
const rounds: Record<keyof typeof modes, number[]> = { raw: [], volts: [], bare: [] };
for (let r = 0; r < ROUNDS; r++) for (const [name, once] of Object.entries(modes) as [keyof typeof modes, () => Promise<number>][]) rounds[name].push(await once());

socket.destroy();
peer.kill();
await board.close();
sim.kill();

const mb = (x: number) => (x / 1e6).toFixed(1);
const med = { raw: median(rounds.raw), volts: median(rounds.volts), bare: median(rounds.bare) };
// the ratio of each round (its modes ran back to back), then the median: drift between rounds cancels
const ratio = (k: keyof typeof modes) => median(rounds[k].map((x, i) => x / rounds.bare[i]!));
const row = (what: string, k: keyof typeof modes) => `| ${what} | **${mb(med[k])}** [${rounds[k].map(mb).join(', ')}] | ${ratio(k).toFixed(2)} |`;
const md = `## Deep-memory read-out over SCPI (bench/deepmem.bench.ts)

Command: \`pnpm bench deepmem\`. Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.
\`labrx-sim\` and the bare TCP peer each in their own process, loopback; one capture of ${SAMPLES.toLocaleString('en')} samples
(decimation 1) read whole per round, ${ROUNDS} alternating rounds, median shown (rounds in brackets).

| read-out | MB/s of payload | ratio to bare TCP (median of the rounds' ratios) |
|---|---|---|
${row(`SCPI BIN RAW int16, ${RAW_BLOCK.toLocaleString('en')}-sample blocks`, 'raw')}
${row(`SCPI BIN VOLTS float32, ${VOLTS_BLOCK.toLocaleString('en')}-sample blocks`, 'volts')}
${row(`bare Node TCP, the RAW blocks' bytes`, 'bare')}

Load average at the end of the run: ${loadavg()[0]!.toFixed(1)} (on ${cpus().length} cores): on a machine this busy single rounds swing by
several times; the medians and ratios are the figures to read. A real board's DDR is read by its 2-core ARM; this measures the
protocol and the simulator's server, not the hardware.
`;
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/deepmem.md', md);
console.log(md);

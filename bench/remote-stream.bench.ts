/**
 * The gapless stream of a board served over NATS (`rp.scope.continuous$` on `nats://…`; docs/decisions/0016,
 * "Remote boards"): for each decimation, the samples per channel delivered per second of wall time,
 * beside the rate the board produces them (125 MS/s / decimation) and the same simulated board's
 * stream in this process (the baseline of the same run), and the samples reported lost
 * (`onOverflow: 'gap'`: the client's queue on the server overflowed, or NATS lost frames).
 *
 * `labrx serve` runs in its own process with its simulated board on real time (as users run it);
 * nats-server on loopback; the client here. Each decimation streams for 3 s of wall time, in blocks
 * of 32768 samples per channel (512 KiB frames), the default buffer; the consumer counts and drops them.
 *
 * Needs nats-server. Run alone: npx tsx bench/remote-stream.bench.ts   (writes bench/results/remote-stream.md)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { firstValueFrom, reduce, takeUntil, timer } from 'rxjs';
import { connect, type Board } from 'labrx';
import { freePort, NATS_SERVER } from '../test/helpers/natsServer.js';

if (!NATS_SERVER) {
  console.error('bench/remote-stream: nats-server is not installed (apt-get install nats-server)');
  process.exit(1);
}

const FS = 125e6;
const SECONDS = 3;
const BLOCK = 32768;
const DECIMATIONS = [256, 128, 64, 32, 16] as const;

const port = await freePort();
const nats = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
const natsUrl = `nats://127.0.0.1:${port}`;
await new Promise((r) => setTimeout(r, 500));
const serveProc: ChildProcess = spawn(process.execPath, ['packages/labrx/bin/labrx.mjs', 'serve', '--nats', natsUrl, '--name', 'rs', '--board', 'sim', '--seed', '2'], { stdio: ['ignore', 'pipe', 'ignore'] });
await new Promise<void>((resolve, reject) => {
  let out = '';
  serveProc.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('labrx serve:') && resolve()));
  serveProc.once('exit', (code) => reject(new Error(`labrx serve exited ${code}`)));
});

/** Streams `rp` for SECONDS of wall time: samples per channel delivered per s, and lost in gaps. */
async function measure(rp: Board, decimation: number): Promise<{ perS: number; lost: number; ended: string }> {
  await rp.asg0.set({ waveform: 'sine', frequency: 5e3, amplitude: 0.4, output: 'out1' });
  const t0 = performance.now();
  let ended = '';
  let counts = { delivered: 0, lost: 0 };
  try {
    counts = await firstValueFrom(
      rp.scope.continuous$({ decimation, blockSamples: BLOCK, onOverflow: 'gap' }).pipe(
        takeUntil(timer(SECONDS * 1000)),
        reduce((acc, b) => (b.kind === 'gap' ? { ...acc, lost: acc.lost + b.samples } : { ...acc, delivered: acc.delivered + b.samples }), { delivered: 0, lost: 0 }),
      ),
    );
  } catch (err) {
    ended = `ended with ${(err as Error).name}`;
  }
  const wallS = (performance.now() - t0) / 1000;
  return { perS: counts.delivered / wallS, lost: counts.lost, ended: ended || (counts.lost > 0 ? 'fell behind: gaps reported' : 'kept up') };
}

interface Row {
  readonly decimation: number;
  readonly remote: { perS: number; lost: number; ended: string };
  readonly local: { perS: number; lost: number; ended: string };
}
const rows: Row[] = [];
try {
  for (const decimation of DECIMATIONS) {
    const remote = await connect(`${natsUrl}/rs/board0`);
    const r = await measure(remote, decimation).finally(() => remote.close());
    const local = await connect({ sim: { seed: 2 } });
    const l = await measure(local, decimation).finally(() => local.close());
    rows.push({ decimation, remote: r, local: l });
    console.log(`decimation ${decimation}: NATS ${(r.perS / 1e6).toFixed(3)} MS/s (${r.lost} lost, ${r.ended}); in-process ${(l.perS / 1e6).toFixed(3)} MS/s (${l.lost} lost)`);
  }
} finally {
  serveProc.kill('SIGTERM');
  nats.kill('SIGTERM');
}

const f = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const load = loadavg().map((x) => x.toFixed(1)).join(', ');
const md = [
  '## Remote gapless stream: a board served over NATS (bench/remote-stream.bench.ts)',
  '',
  `Command: \`pnpm bench remote-stream\`. Machine: ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'CPU'}, Node ${process.version}. Load average during the run: ${load}. \`labrx serve\` (simulated board, real time) in its own process, nats-server on loopback, the client in the bench's process; ${SECONDS} s of wall time per decimation, blocks of ${BLOCK} samples per channel, the default buffer, \`onOverflow: 'gap'\`. Baseline: the same simulated board's stream in the bench's process, same run.`,
  '',
  '| decimation | the board produces | over NATS, delivered per channel | ratio to the board | samples lost (gaps) | in-process (baseline) | NATS / in-process |',
  '|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.decimation} | ${f(FS / r.decimation / 1e6, 3)} MS/s | ${f(r.remote.perS / 1e6, 3)} MS/s | ${f((r.remote.perS * r.decimation) / FS, 2)} | ${f(r.remote.lost)} (${r.remote.ended}) | ${f(r.local.perS / 1e6, 3)} MS/s${r.local.lost ? `, ${f(r.local.lost)} lost` : ''} | ${f(r.remote.perS / r.local.perS, 2)} |`),
  '',
  "A ratio near 1 with nothing lost keeps up (the ratio also counts the first block's latency against the 3 s). Below that the client gets gaps of exactly the samples lost: never a silent hole.",
  '',
].join('\n');
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/remote-stream.md', md);
console.log(md);

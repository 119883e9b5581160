import { firstValueFrom, take, toArray, type Subscription } from 'rxjs';
import { connect, ConnectionLostError, ResourceBusyError, SettingsError, StreamOverflowError, type Board, type RealtimeSpectrum, type SampleBlock, type StreamBlock } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';
import type { ExecutionContext } from 'ava';
import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';
import { startFaultProxy } from '../helpers/faultProxy.js';
import { chirpStreamError, linearChirpTable } from '../helpers/chirp.js';
import { pollUntil } from '../helpers/until.js';

// The gapless stream of a remote board: the served board's own stream relayed over NATS
// (docs/decisions/0016, "Remote boards"). The served simulator runs on virtual time, moved on one
// block at a time once the clients have what was produced (lock-step), so no queue builds up unless
// a test holds a client back on purpose.

const FS = 125e6;
const LSB = 2 / 2 ** 14;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Clients and server share this process: a client is dropped only after 5 s of silence, long against
 * the pauses of a loaded machine (the test of a vanishing client sets its own).
 */
const SERVER = { clientTimeoutMs: 5000 };

/** Polls `ok` every few ms of real time; fails the test after `ms`. */
async function until(t: ExecutionContext, ok: () => boolean, what: string, ms = 5000): Promise<void> {
  for (const t0 = performance.now(); !ok(); await sleep(2)) {
    if (performance.now() - t0 > ms) t.fail(`timed out waiting for ${what}`);
  }
}

/**
 * Moves the board's clock on by `blockMs` at a time, each step once `got()` (blocks the fast
 * clients hold) has grown, or after 200 ms of real time (before the stream has started), until `done()`.
 */
async function lockStep(clock: VirtualClock, blockMs: number, got: () => number, done: () => boolean, realMs = 20_000): Promise<void> {
  const t0 = performance.now();
  while (!done()) {
    if (performance.now() - t0 > realMs) throw new Error(`lockStep: not done after ${realMs} ms of real time`);
    const before = got();
    await clock.advanceBy(blockMs);
    for (const t0 = performance.now(); got() === before && !done() && performance.now() - t0 < 200; ) await sleep(1);
  }
}

/** Each block starts where the previous ended (a gap counts as the samples it names), from index 0. */
function assertConsecutive(t: ExecutionContext, blocks: readonly StreamBlock[]): void {
  let next = 0;
  for (const b of blocks) {
    t.is(b.index, next, `block at ${b.index}, expected ${next}`);
    next = b.index + b.samples;
  }
}

/** The stream and the server have let go of everything: no relay, no board stream, no lease, no board timer. */
async function assertReleased(t: ExecutionContext, served: ServedSim, clock: VirtualClock): Promise<void> {
  await until(t, () => served.server.loopsOf('board0') === 0 && served.server.clientsOf('board0').length === 0, 'the server to end the relay');
  t.is(served.board.leases.holderOf('scope'), undefined, 'the scope lease is back on the server');
  t.is(served.sim.activeAcquisitions, 0, 'no board stream');
  t.is(clock.nextFrame(), undefined, 'no timer left on the board clock');
}

testNats('a chirp streamed through a remote board is reassembled with no missing or repeated sample: counters consecutive, every sample the chirp at its counter', async (t) => {
  // As test/instruments/continuous.test.ts: a noiseless linear chirp (20 → 220 Hz over the 10 s
  // generator period) point-sampled at decimation 1024; every sample must equal the table at its own
  // time, quantised, within one LSB. A sample missing or repeated shifts every later one by
  // dt = 8.2 µs, which moves the chirp by at least 7.6 LSB at the zero crossing every block contains.
  const handles = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
  const before = handles();
  const clock = new VirtualClock();
  const served = await startServedSim({ seed: 1, noiseDensity: 0, scheduler: clock }, SERVER);
  const rp = await connect(served.url);
  try {
    t.is(rp.scope.streamGuarantee, 'exact', "the served simulator's guarantee");
    const P = 16384;
    const data = linearChirpTable(P, 200, 2200);
    const A = 0.9;
    const f = 0.1;
    await rp.asg0.set({ waveform: 'arbitrary', data, frequency: f, amplitude: A, output: 'out1' });
    const setS = clock.now() / 1000;
    const decimation = 1024;
    const dt = decimation / FS;
    const blockSamples = 16384;
    const nBlocks = 24; // 3.2 s of board time, 6 MB through NATS
    const all: StreamBlock[] = [];
    const done = firstValueFrom(rp.scope.continuous$({ decimation, boxcar: false, blockSamples }).pipe(take(nBlocks), toArray()));
    const sub = rp.scope.continuous$({ decimation, boxcar: false, blockSamples }).subscribe({ next: (b) => all.push(b), error: (e: unknown) => t.fail(String(e)) });
    await lockStep(clock, blockSamples * dt * 1000, () => all.length, () => all.length >= nBlocks);
    t.is(served.server.loopsOf('board0'), 1, 'two pipelines of one client share one relay');
    t.deepEqual(await done, all.slice(0, nBlocks), 'both pipelines got the same blocks');
    sub.unsubscribe();
    t.is(all.length, nBlocks);
    const samples = all.filter((b): b is SampleBlock => b.kind === 'samples');
    t.is(samples.length, nBlocks, 'no gap');
    assertConsecutive(t, samples);
    const { worst, worstIndex, badTimestamps } = chirpStreamError(samples, { data, amplitude: A, frequency: f, setS, lsb: LSB });
    t.is(badTimestamps, 0, 'board time = start + index·dt');
    t.true(worst <= LSB * (1 + 1e-9), `worst ${worst / LSB} LSB at sample ${worstIndex}`);
    t.is(served.server.stats.samplesDropped, 0);
    // take() and unsubscribe() ended both: the server ends the relay and the board stream and releases the scope
    await assertReleased(t, served, clock);
    t.false(rp.driver.scopeRunning, 'no relay left on the client');
  } finally {
    await rp.close();
    await served.close();
  }
  await sleep(20);
  t.is(handles(), before, `no timer or socket left: ${JSON.stringify(process.getActiveResourcesInfo())}`);
});

testNats('two clients with the same stream settings share one board stream and get the same samples; a third can lease the scope once they unsubscribe', async (t) => {
  const clock = new VirtualClock();
  const served = await startServedSim({ seed: 5, noiseDensity: 1e-6, scheduler: clock }, SERVER);
  const a = await connect(served.url);
  const b = await connect(served.url);
  const c = await connect(served.url);
  try {
    await a.asg0.set({ waveform: 'square', frequency: 3e3, amplitude: 0.3, output: 'out1' });
    const settings = { decimation: 64, blockSamples: 4096 };
    const blockMs = (4096 * 64) / FS * 1000;
    const ga: StreamBlock[] = [];
    const gb: StreamBlock[] = [];
    const sa = a.scope.continuous$(settings).subscribe({ next: (x) => ga.push(x), error: (e: unknown) => t.fail(String(e)) });
    const sb = b.scope.continuous$(settings).subscribe({ next: (x) => gb.push(x), error: (e: unknown) => t.fail(String(e)) });
    await until(t, () => served.server.clientsOf('board0').length === 2, 'both relays');
    t.is(served.server.loopsOf('board0'), 1, 'one board stream for both clients');
    t.is(served.sim.activeAcquisitions, 1);
    // the scope is leased (by the shared stream): a third client's trace with other settings would wait
    const busy = await t.throwsAsync(c.scope.single({ decimation: 8 }, { wait: false }), { instanceOf: ResourceBusyError });
    t.is(busy?.resource, 'scope');
    await lockStep(clock, blockMs, () => Math.min(ga.length, gb.length), () => Math.min(ga.length, gb.length) >= 12);
    sa.unsubscribe();
    sb.unsubscribe();
    t.is(ga[0]!.index, 0);
    t.is(gb[0]!.index, 0);
    assertConsecutive(t, ga);
    assertConsecutive(t, gb);
    // the same board stream: equal board times, and the noise (one realisation) equal bit for bit
    for (let i = 0; i < 12; i++) {
      const [x, y] = [ga[i]!, gb[i]!];
      t.is(x.timestamp, y.timestamp);
      t.true(x.kind === 'samples' && y.kind === 'samples' && Buffer.from(x.ch1.buffer).equals(Buffer.from(y.ch1.buffer)) && Buffer.from(x.ch2.buffer).equals(Buffer.from(y.ch2.buffer)), `block ${i}`);
    }
    await assertReleased(t, served, clock);
    // unsubscribing released the scope on the server: another client acquires at once
    const trace = await Promise.race([clockedSingle(c, clock), sleep(10_000).then(() => null)]);
    t.truthy(trace, 'the third client got its trace');
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
    await served.close();
  }
});

/** One trace of `rp` with the scope not waited for (ResourceBusyError if taken), moving the served board's clock meanwhile. */
async function clockedSingle(rp: Board, clock: VirtualClock): Promise<unknown> {
  let got = false;
  const p = rp.scope.single({ decimation: 8 }, { wait: false }).finally(() => (got = true));
  await pollUntil(() => got, async () => {
    await clock.advanceBy(1);
    await sleep(2);
  }, 'a scope trace over NATS');
  return p;
}

testNats("a client held back by the network gets a gap of exactly the samples it lost ('gap') or StreamOverflowError ('error'), while a fast client of the same board stream sees none", async (t) => {
  // Clients B ('gap') and C ('error') reach NATS through a proxy that stops carrying their messages
  // to the server (credits, heartbeats) for 48 blocks of board time: their server-side queues
  // (bufferSamples = 4 blocks) overflow once their window of frames in flight is used up. A, direct,
  // gets every block. B's blocks must be A's at the same stream index, bit for bit, and B's blocks
  // and gaps must tile the stream from 0: a gap of exactly the samples B did not get.
  const clock = new VirtualClock();
  const served = await startServedSim({ seed: 9, noiseDensity: 1e-6 , scheduler: clock }, { clientTimeoutMs: 60_000 });
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: served.nats.port });
  const a = await connect(served.url);
  const b = await connect(`nats://127.0.0.1:${proxy.port}/lab1/board0`);
  const c = await connect(`nats://127.0.0.1:${proxy.port}/lab1/board0`);
  const subs: Subscription[] = [];
  try {
    await a.asg0.set({ waveform: 'sine', frequency: 10e3, amplitude: 0.5, output: 'out1' });
    const blockSamples = 16384; // 256 KiB frames: a window of 15 frames in flight (4 MiB)
    const bufferSamples = 4 * blockSamples;
    const settings = { decimation: 64, blockSamples, bufferSamples };
    const blockMs = (blockSamples * 64) / FS * 1000;
    const ga: StreamBlock[] = [];
    const gb: StreamBlock[] = [];
    const gc: StreamBlock[] = [];
    let cError: unknown;
    subs.push(a.scope.continuous$(settings).subscribe({ next: (x) => ga.push(x), error: (e: unknown) => t.fail(String(e)) }));
    subs.push(b.scope.continuous$({ ...settings, onOverflow: 'gap' }).subscribe({ next: (x) => gb.push(x), error: (e: unknown) => t.fail(String(e)) }));
    subs.push(c.scope.continuous$(settings).subscribe({ next: (x) => gc.push(x), error: (e: unknown) => (cError = e) }));
    await until(t, () => served.server.clientsOf('board0').length === 3, 'three relays');
    t.is(served.server.loopsOf('board0'), 1, 'one board stream');
    await lockStep(clock, blockMs, () => Math.min(ga.length, gb.length, gc.length), () => ga.length >= 4);
    proxy.set('up', { kind: 'stall' });
    await lockStep(clock, blockMs, () => ga.length, () => ga.length >= 52);
    t.is(gb.filter((x) => x.kind === 'gap').length, 0, 'no gap while the frames in flight last');
    proxy.set('up', { kind: 'pass' });
    await until(t, () => cError !== undefined, "C's error");
    await lockStep(clock, blockMs, () => Math.min(ga.length, gb.length), () => gb.length > 0 && gb.at(-1)!.index + gb.at(-1)!.samples >= 60 * blockSamples);
    t.true(ga.every((x) => x.kind === 'samples'), 'the fast client sees no gap');
    assertConsecutive(t, ga);
    assertConsecutive(t, gb);
    const gaps = gb.filter((x) => x.kind === 'gap');
    t.is(gaps.length, 1, 'one gap');
    const gap = gaps[0]!;
    t.log(`B: gap of ${gap.samples / blockSamples} blocks at block ${gap.index / blockSamples}; C: ${(cError as Error).message}`);
    t.true(gap.samples >= 44 * blockSamples - bufferSamples - 15 * blockSamples, `gap of ${gap.samples / blockSamples} blocks`);
    t.is(gap.samples % blockSamples, 0);
    t.true(Math.abs(gap.timestamp - (ga[0]!.timestamp + gap.index * 64 / FS * 1000)) < 1e-6, 'the gap starts at its first sample');
    const byIndex = new Map(ga.map((x) => [x.index, x]));
    for (const x of gb) {
      if (x.kind !== 'samples') continue;
      const y = byIndex.get(x.index);
      t.true(y?.kind === 'samples' && Buffer.from(y.ch1.buffer).equals(Buffer.from(x.ch1.buffer)), `B's block at ${x.index} is A's`);
    }
    // C ('error'): the first lost sample is where its blocks stopped
    t.true(cError instanceof StreamOverflowError, String(cError));
    const e = cError as StreamOverflowError;
    t.is(e.index, gc.at(-1)!.index + blockSamples);
    t.is(e.bufferSamples, bufferSamples);
    t.is(served.server.stats.samplesDropped, gap.samples + e.lostSamples, 'the server dropped exactly what the gaps name');
    for (const s of subs) s.unsubscribe();
    await assertReleased(t, served, clock);
  } finally {
    for (const s of subs) s.unsubscribe();
    await Promise.all([a.close(), b.close(), c.close()]);
    await proxy.close();
    await served.close();
  }
});

testNats('rp.specan.realtime$ on a remote board: a tone at its frequency and level', async (t) => {
  // A 0.5 V peak sine on a noiseless wire (out1 → in1), at decimation 64 (fs = 1.953125 MHz) with
  // 4096-point Hann segments: the tone is put on bin 200 (95,367.4 Hz), so there is no scalloping
  // (the DDS's frequency step, 125 MHz/2^30 = 0.12 Hz, is 2.4e-4 bin off: Hann loses < 1e-6 dB there).
  // Power into 50 Ω: 0.5²/2/50 Ω = 2.5 mW = 3.979 dBm; the boxcar's response is divided out exactly and
  // 14-bit quantisation is 80 dB below; tolerance 0.02 dB (0.23 % in amplitude) and the peak in bin 200.
  const clock = new VirtualClock();
  const served = await startServedSim({ seed: 3, noiseDensity: 0, scheduler: clock }, SERVER);
  const rp = await connect(served.url);
  try {
    const points = 4096;
    const fs = FS / 64;
    const f = (200 * fs) / points;
    await rp.asg0.set({ waveform: 'sine', frequency: f, amplitude: 0.5, output: 'out1' });
    const spectra: RealtimeSpectrum[] = [];
    const sub = rp.specan.realtime$({ decimation: 64, points, window: 'hann', unit: 'dBm', input: 'in1' }).subscribe({ next: (s) => spectra.push(s), error: (e: unknown) => t.fail(String(e)) });
    await lockStep(clock, (points * 64) / FS * 1000, () => spectra.length, () => spectra.length >= 6);
    sub.unsubscribe();
    const theory = 10 * Math.log10((0.5 ** 2 / 2 / 50) / 1e-3);
    t.log(`${spectra.length} spectra, bin 200: ${spectra.map((s) => (s.ch1[200]! - theory).toExponential(2)).join(', ')} dB from theory`);
    for (const s of spectra.slice(1)) {
      let k = 0;
      for (let i = 1; i < s.ch1.length; i++) if (s.ch1[i]! > s.ch1[k]!) k = i;
      t.is(k, 200, 'the peak in bin 200');
      t.true(Math.abs(s.frequencies[k]! - f) < 1e-6, `${s.frequencies[k]} Hz`);
      t.true(Math.abs(s.ch1[k]! - theory) < 0.02, `${s.ch1[k]!.toFixed(4)} dBm against ${theory.toFixed(4)}`);
      t.is(s.lostSamples, 0);
    }
    await assertReleased(t, served, clock);
  } finally {
    await rp.close();
    await served.close();
  }
});

testNats('frames NATS loses in a reconnect become a gap on the client, from the stream index: exactly the samples that did not arrive', async (t) => {
  // What the server sends B is held in the network (a proxy) until B's whole window (7 frames of
  // 512 KiB) is in flight and the server has no credit left; then B's connection is cut, and NATS
  // drops all of it. After the reconnect B's next heartbeat tick asks again (resync: a plain
  // grant of seen + window would grant nothing new, and the stream would stall), the server
  // sends what it still has, and B sees an index ahead of the one it expected: a gap of exactly the
  // missing samples. B's blocks and gaps tile the stream, and every block it got is A's, bit for bit.
  const clock = new VirtualClock();
  const served = await startServedSim({ seed: 4, noiseDensity: 1e-6, scheduler: clock }, { clientTimeoutMs: 10_000 });
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: served.nats.port });
  const a = await connect(served.url);
  const b = await connect(`nats://127.0.0.1:${proxy.port}/lab1/board0`);
  const subs: Subscription[] = [];
  try {
    const blockSamples = 32768;
    const settings = { decimation: 64, blockSamples, onOverflow: 'gap' as const };
    const blockMs = (blockSamples * 64) / FS * 1000;
    const ga: StreamBlock[] = [];
    const gb: StreamBlock[] = [];
    subs.push(a.scope.continuous$(settings).subscribe({ next: (x) => ga.push(x), error: (e: unknown) => t.fail(String(e)) }));
    subs.push(b.scope.continuous$(settings).subscribe({ next: (x) => gb.push(x), error: (e: unknown) => t.fail(`B: ${String(e)}`) }));
    await until(t, () => served.server.clientsOf('board0').length === 2, 'two relays');
    await lockStep(clock, blockMs, () => Math.min(ga.length, gb.length), () => gb.length >= 4);
    proxy.set('down', { kind: 'stall' });
    await lockStep(clock, blockMs, () => ga.length, () => ga.length >= 14);
    const sentBeforeCut = served.server.stats.blocksSent;
    proxy.set('both', { kind: 'cut' });
    await lockStep(clock, blockMs, () => ga.length, () => ga.length >= 18);
    proxy.set('both', { kind: 'pass' });
    const end = 24 * blockSamples;
    await lockStep(clock, blockMs, () => Math.min(ga.length, gb.length), () => gb.length > 0 && gb.at(-1)!.index + gb.at(-1)!.samples >= end);
    assertConsecutive(t, ga);
    assertConsecutive(t, gb);
    t.true(ga.every((x) => x.kind === 'samples'), 'A saw no gap');
    const gaps = gb.filter((x) => x.kind === 'gap');
    t.is(gaps.length, 1, 'the lost frames are a gap');
    t.true(gaps[0]!.samples >= 4 * blockSamples, 'at least half a window of frames was lost');
    t.true(sentBeforeCut > 0);
    t.log(`B: gaps ${gaps.map((g) => `${g.samples / blockSamples} blocks at block ${g.index / blockSamples}`).join(', ')}; server dropped ${served.server.stats.samplesDropped / blockSamples} blocks`);
    const byIndex = new Map(ga.map((x) => [x.index, x]));
    for (const x of gb) {
      if (x.kind !== 'samples') continue;
      const y = byIndex.get(x.index);
      t.true(y?.kind === 'samples' && Buffer.from(y.ch1.buffer).equals(Buffer.from(x.ch1.buffer)), `B's block at ${x.index} is A's`);
    }
    for (const s of subs) s.unsubscribe();
    await assertReleased(t, served, clock);
  } finally {
    for (const s of subs) s.unsubscribe();
    await Promise.all([a.close(), b.close()]);
    await proxy.close();
    await served.close();
  }
});

testNats('a client that vanishes loses its stream on the server (relay, board stream and lease); a stopped server ends streams with ConnectionLostError at once', async (t) => {
  const clock = new VirtualClock();
  // heartbeats every 100 ms; a client silent for 1 s is dropped (long against this process's own
  // pauses on a loaded machine, which would drop the direct client too)
  const served = await startServedSim({ seed: 2, scheduler: clock }, { clientTimeoutMs: 1000 });
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: served.nats.port });
  const b = await connect(`nats://127.0.0.1:${proxy.port}/lab1/board0`);
  const a = await connect(served.url);
  try {
    const settings = { decimation: 256, blockSamples: 4096 };
    let bError: unknown;
    const gb: StreamBlock[] = [];
    const sb = b.scope.continuous$(settings).subscribe({ next: (x) => gb.push(x), error: (e: unknown) => (bError = e) });
    await until(t, () => served.server.loopsOf('board0') === 1, 'the relay');
    await lockStep(clock, (4096 * 256) / FS * 1000, () => gb.length, () => gb.length >= 2);
    // B's messages stop reaching the server (heartbeats, credits); the server's still reach B
    proxy.set('up', { kind: 'stall' });
    await until(t, () => served.server.loopsOf('board0') === 0, 'the server to drop the silent client', 10_000);
    await until(t, () => bError !== undefined, "B's error");
    t.true(bError instanceof ConnectionLostError, String(bError));
    t.regex((bError as Error).message, /no heartbeat from this client/);
    t.is(served.board.leases.holderOf('scope'), undefined, 'the scope lease is free');
    t.is(served.sim.activeAcquisitions, 0);
    t.is(clock.nextFrame(), undefined);
    sb.unsubscribe();
    proxy.set('up', { kind: 'pass' });

    // A streams; the server stops: A's stream fails at once with ConnectionLostError, not after its watchdog (1.5 s)
    let aError: unknown;
    const ga: StreamBlock[] = [];
    a.scope.continuous$(settings).subscribe({ next: (x) => ga.push(x), error: (e: unknown) => (aError = e) });
    await until(t, () => served.server.loopsOf('board0') === 1, "A's relay");
    await lockStep(clock, (4096 * 256) / FS * 1000, () => ga.length, () => ga.length >= 2);
    const stopped = performance.now();
    await served.server.close();
    await until(t, () => aError !== undefined, "A's error", 1000);
    t.true(performance.now() - stopped < 1000);
    t.true(aError instanceof ConnectionLostError, String(aError));
    t.regex((aError as Error).message, /board server stopped/);
    t.is(served.board.leases.holderOf('scope'), undefined);
    t.is(served.sim.activeAcquisitions, 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await proxy.close();
    await served.close();
  }
});

testNats('a remote stream checks blockSamples against NATS\'s largest message: SettingsError naming it', async (t) => {
  const clock = new VirtualClock();
  const served = await startServedSim({ seed: 2, scheduler: clock }, SERVER);
  const rp = await connect(served.url);
  try {
    // nats-server's default max_payload is 1 MiB: 65536 samples · 16 bytes + the header do not fit;
    // (2^20 − 256)/16 = 65520 samples do
    const error = await firstValueFrom(rp.scope.continuous$({ decimation: 64, blockSamples: 65536 })).catch((e: unknown) => e);
    t.true(error instanceof SettingsError, String(error));
    t.regex((error as Error).message, /blockSamples/);
    t.regex((error as Error).message, /65520/);
    t.is(served.server.loopsOf('board0'), 0);
  } finally {
    await rp.close();
    await served.close();
  }
});

testNats("rolling$ works on a remote board; a stream with other settings and wait: false gets ResourceBusyError naming the holder's host", async (t) => {
  const clock = new VirtualClock();
  const served = await startServedSim({ seed: 6, noiseDensity: 0, scheduler: clock }, SERVER);
  const a = await connect(served.url);
  const b = await connect(served.url);
  try {
    // a 20 Hz, 0.5 V sine in a 0.2 s rolling window at decimation 1024: once the window is full, no
    // NaN and the peak 0.5 V within one LSB (the sample grid, 1e-3 rad of the sine apart, misses the
    // crest by < 1e-7 V; the boxcar over 8.2 µs attenuates 20 Hz by < 1e-7)
    await a.asg0.set({ waveform: 'sine', frequency: 20, amplitude: 0.5, output: 'out1' });
    const dt = 1024 / FS;
    const traces: { ch1: Float64Array; index: number }[] = [];
    let rollingError: unknown;
    const sub = a.scope.rolling$({ decimation: 1024, durationS: 0.2 }).subscribe({ next: (r) => traces.push(r), error: (e: unknown) => (rollingError = e) });
    await until(t, () => served.server.loopsOf('board0') === 1, 'the relay');
    // other settings, not waiting: the scope is the first client's board stream's
    const busy = await firstValueFrom(b.scope.continuous$({ decimation: 64 }, { wait: false })).catch((e: unknown) => e);
    t.true(busy instanceof ResourceBusyError, String(busy));
    t.regex((busy as { holder: string }).holder, /scope of .+@.+ \(pid \d+\)/);
    const length = Math.round(0.2 / dt);
    const blockMs = Math.floor(length / 16) * dt * 1000;
    await lockStep(clock, blockMs, () => traces.length, () => traces.length >= 20 || rollingError !== undefined);
    t.is(rollingError, undefined, String(rollingError));
    sub.unsubscribe();
    const last = traces.at(-1)!;
    t.is(last.ch1.length, length);
    t.false(last.ch1.some(Number.isNaN), 'the window is full: no NaN');
    const peak = last.ch1.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    t.true(Math.abs(peak - 0.5) <= LSB, `peak ${peak}`);
    await assertReleased(t, served, clock);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await served.close();
  }
});

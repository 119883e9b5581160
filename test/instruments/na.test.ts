import test from 'ava';
import { delay as delayBy, firstValueFrom, toArray } from 'rxjs';
import { Board, connect, createSimBoard, delay, lowpass, resonator, ResourceBusyError, SettingsError } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';
import { NetworkAnalyzer, type NaSweepEvent } from '@labrx/instruments';
import type { SimBoard } from '@labrx/hw-sim';

async function board(sim: Record<string, unknown> = {}) {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 9, ...sim, scheduler: clock } });
  return { clock, rp };
}
const simOf = (rp: Board) => rp.driver as SimBoard;

function resonatorH(f: number, f0: number, q: number, gain: number) {
  // H = gain / (1 + j·q·(f/f0 − f0/f))
  const x = q * (f / f0 - f0 / f);
  const d = 1 + x * x;
  return { re: gain / d, im: (-gain * x) / d };
}

test('NA on a resonator (f0 1 MHz, Q 20, gain 0.5): |H| within 1 % and phase within 1° at all 101 points', async (t) => {
  const f0 = 1e6, q = 20, gain = 0.5;
  const { clock, rp } = await board({ dut: resonator({ f0, q, gain }), noiseDensity: 1e-7 });
  const h = await clock.run(rp.na.single({ start: 0.5e6, stop: 2e6, points: 101, rbw: 1e3, amplitude: 0.1, logscale: false }));
  // Error budget at the weakest point (0.5 MHz, |H| = 0.0167, 1.7 mV on in1): the demodulator's
  // noise bandwidth ~rbw gives ~1e-7·√(2·1e3) ≈ 4.5e-6 V, 0.3 % of the signal (0.15°).
  const mag = h.magnitude();
  const ph = h.phaseDeg();
  let worstMag = 0, worstPh = 0;
  for (let i = 0; i < h.frequencies.length; i++) {
    const e = resonatorH(h.frequencies[i]!, f0, q, gain);
    const em = Math.hypot(e.re, e.im), ep = (Math.atan2(e.im, e.re) * 180) / Math.PI;
    worstMag = Math.max(worstMag, Math.abs(mag[i]! / em - 1));
    worstPh = Math.max(worstPh, Math.abs(ph[i]! - ep));
  }
  t.true(worstMag < 0.01, `worst |H| error ${(worstMag * 100).toFixed(3)} %`);
  t.true(worstPh < 1, `worst phase error ${worstPh.toFixed(3)}°`);
  t.is(h.frequencies.length, 101);
  t.is(h.averages, 1);
  await rp.close();
});

test('NA on a first-order low-pass at 50 kHz: −3 dB at the cutoff within 1 %', async (t) => {
  const cutoff = 50e3;
  const { clock, rp } = await board({ dut: lowpass({ cutoff, order: 1 }) });
  const h = await clock.run(rp.na.single({ start: 20e3, stop: 120e3, points: 51, rbw: 1e3, amplitude: 0.2, logscale: true }));
  const mag = h.magnitude();
  const target = Math.SQRT1_2;
  let f3 = NaN;
  for (let i = 1; i < mag.length; i++) {
    if (mag[i - 1]! >= target && mag[i]! < target) {
      // interpolate in log f between the two points around the crossing
      const a = Math.log(h.frequencies[i - 1]!), b = Math.log(h.frequencies[i]!);
      const u = (mag[i - 1]! - target) / (mag[i - 1]! - mag[i]!);
      f3 = Math.exp(a + u * (b - a));
    }
  }
  t.true(Math.abs(f3 / cutoff - 1) < 0.01, `−3 dB at ${f3} Hz`);
  await rp.close();
});

test('NA on a delay of 1.5 µs: the phase slope gives the delay within 1 %', async (t) => {
  const seconds = 1.5e-6;
  const { clock, rp } = await board({ dut: delay({ seconds }) });
  const h = await clock.run(rp.na.single({ start: 10e3, stop: 500e3, points: 50, rbw: 2e3, amplitude: 0.2, logscale: false }));
  // unwrap the phase and fit φ(f) = −360°·τ·f by least squares through the points
  const ph = h.phaseDeg();
  const un = [ph[0]!];
  for (let i = 1; i < ph.length; i++) {
    let d = ph[i]! - ph[i - 1]!;
    d -= 360 * Math.round(d / 360);
    un.push(un[i - 1]! + d);
  }
  let sf = 0, sp = 0, sff = 0, sfp = 0;
  const n = un.length;
  for (let i = 0; i < n; i++) {
    const f = h.frequencies[i]!;
    sf += f; sp += un[i]!; sff += f * f; sfp += f * un[i]!;
  }
  const slope = (n * sfp - sf * sp) / (n * sff - sf * sf); // degrees per Hz
  const tau = -slope / 360;
  t.true(Math.abs(tau / seconds - 1) < 0.01, `τ = ${tau} s`);
  await rp.close();
});

test('sweep$ reports every point in order, then the whole response', async (t) => {
  const { clock, rp } = await board({ dut: resonator({ f0: 1e6, q: 10 }) });
  const events = await clock.run(firstValueFrom(rp.na.sweep$({ start: 0.8e6, stop: 1.2e6, points: 7, rbw: 1e3 }).pipe(toArray())));
  t.is(events.length, 8);
  events.slice(0, 7).forEach((e: NaSweepEvent, i) => {
    t.is(e.kind, 'point');
    if (e.kind === 'point') {
      t.is(e.point.index, i);
      t.is(e.done, i + 1);
      t.is(e.total, 7);
    }
  });
  const last = events[7]!;
  t.is(last.kind, 'done');
  if (last.kind === 'done') t.is(last.result.frequencies.length, 7);
  await rp.close();
});

test('a sweep takes (settle + averagePerPoint) / rbw per point on the hardware (virtual time)', async (t) => {
  const { clock, rp } = await board();
  t.true(rp.na.usesIqModules, 'the simulator has IQ modules');
  const s = { start: 1e5, stop: 1e6, points: 20, rbw: 500, averagePerPoint: 2, settle: 0.5 };
  const t0 = clock.now();
  await clock.run(rp.na.single(s));
  const expectedMs = 20 * ((0.5 + 2) / 500) * 1e3; // 100 ms
  t.true(Math.abs(clock.now() - t0 - expectedMs) < 1e-6, `${clock.now() - t0} ms, expected ${expectedMs}`);
  t.is(NetworkAnalyzer.secondsPerPoint(rp.na.resolve(s)) * 1e3, 5);
  await rp.close();
});

test('scope and NA at once take the longer of the two, not the sum (my_coroutine)', async (t) => {
  const { clock, rp } = await board({ dut: resonator({ f0: 1e6, q: 20 }) });
  const naMs = 50 * (1.5 / 1e3) * 1e3; // 50 points × 1.5 ms = 75 ms
  const scopeMs = ((16384 * 4096) / 125e6) * 1e3; // 537 ms
  const t0 = clock.now();
  const [trace, h] = await clock.run(Promise.all([rp.scope.single({ decimation: 4096 }), rp.na.single({ start: 0.5e6, stop: 2e6, points: 50, rbw: 1e3 })]));
  t.true(Math.abs(clock.now() - t0 - Math.max(naMs, scopeMs)) < 1e-6, `${clock.now() - t0} ms`);
  t.is(trace.ch1.length, 16384);
  t.is(h.frequencies.length, 50);
  await rp.close();
});

test('the NA holds asg0: nobody else can reconfigure it; unsubscribing releases it and restores the generator', async (t) => {
  const { clock, rp } = await board();
  await rp.asg0.set({ frequency: 1234, amplitude: 0.05, output: 'out1' });
  const before = rp.asg0.settings;
  const sub = rp.na.stream$({ start: 1e5, stop: 2e5, points: 10, rbw: 1e3 }).subscribe();
  await clock.advanceBy(3);
  t.is(rp.na.state.state, 'continuous');
  t.is(rp.na.state.holder, 'na');
  await t.throwsAsync(rp.asg0.set({ frequency: 5e3 }), { instanceOf: ResourceBusyError });
  sub.unsubscribe();
  t.is(rp.na.state.holder, null);
  t.deepEqual(rp.asg0.settings, before);
  t.deepEqual(simOf(rp).asgSettings(0), before);
  await rp.asg0.set({ frequency: 5e3 });
  t.is(rp.asg0.settings.frequency, 5e3);
  await rp.close();
});

test('{ wait: false } fails at once while another pipeline holds the modules', async (t) => {
  const { clock, rp } = await board();
  const sub = rp.na.stream$({ start: 1e5, stop: 2e5, points: 10, rbw: 1e3 }).subscribe();
  await clock.advanceBy(1);
  const e = await t.throwsAsync(rp.na.single({}, { wait: false }));
  t.true(e instanceof ResourceBusyError);
  t.is((e as ResourceBusyError).holder, 'na');
  sub.unsubscribe();
  await rp.close();
});

test('specan and scope with different settings queue; with equal settings they share', async (t) => {
  const { clock, rp } = await board();
  const started = simOf(rp).acquisitionsStarted;
  const oneMs = (16384 * 256) / 125e6 * 1e3;
  let t0 = clock.now();
  await clock.run(Promise.all([rp.scope.single({ decimation: 256 }), rp.specan.single({ decimation: 512 })]));
  t.true(Math.abs(clock.now() - t0 - 3 * oneMs) < 1e-6, 'queued: one after the other');
  t0 = clock.now();
  await clock.run(Promise.all([rp.scope.single({ decimation: 256, trigger: 'immediate', boxcar: true }), rp.specan.single({ decimation: 256 })]));
  t.true(Math.abs(clock.now() - t0 - oneMs) < 1e-6, 'shared: one acquisition');
  t.is(simOf(rp).acquisitionsStarted - started, 3);
  await rp.close();
});

test('100 competing pipelines all finish, in order, with no deadlock', async (t) => {
  const { clock, rp } = await board();
  const order: number[] = [];
  const jobs = Array.from({ length: 100 }, (_, i) => {
    // every scope user asks for different settings (threshold), so none can join another's acquisition
    const p =
      i % 3 === 0
        ? rp.na.single({ start: 1e5, stop: 1e6, points: 2, rbw: 1e4 })
        : i % 3 === 1
          ? rp.scope.single({ decimation: 2 ** (i % 7), threshold: i / 1000 })
          : rp.specan.single({ decimation: 2 ** (i % 5) + 0 * i }).then(() => undefined);
    return p.then(() => order.push(i));
  });
  await clock.run(Promise.all(jobs));
  t.is(order.length, 100);
  // scope users with distinct settings cannot share: they run in request order
  const scopeUsers = order.filter((i) => i % 3 === 1);
  t.deepEqual(scopeUsers, [...scopeUsers].sort((a, b) => a - b));
  t.is(rp.leases.waiting, 0);
  await rp.close();
});

test('bad input throws SettingsError and changes nothing', async (t) => {
  const { rp } = await board();
  for (const [s, name] of [
    [{ start: 2e6, stop: 1e6 }, 'stop'],
    [{ points: 0 }, 'points'],
    [{ rbw: 0 }, 'rbw'],
    [{ rbw: -5 }, 'rbw'],
    [{ stop: 70e6 }, 'stop'],
  ] as const) {
    const e = t.throws(() => rp.na.single$(s as never));
    t.true(e instanceof SettingsError, String(e));
    t.is((e as SettingsError).setting, name);
  }
  t.deepEqual(rp.na.settings, rp.na.resolve());
  t.is(simOf(rp).acquisitionsStarted, 0);
  await rp.close();
});

test('#12 case 3: three queued sweeps each give asg0 back before the next takes it', async (t) => {
  // Before the fix, the lease of a sweep granted from the queue was released before its teardown
  // restored the generator: with a third sweep waiting, that one was granted first and the
  // restore failed with "asg0 is busy: leased by na" (one or two sweeps hid it).
  const { clock, rp } = await board();
  await rp.asg0.set({ frequency: 1234, amplitude: 0.05, output: 'out1' });
  const before = rp.asg0.settings;
  const frequencies: number[] = [];
  const watch = rp.asg0.settings$.subscribe((s) => frequencies.push(s.frequency));
  const s = { start: 1e5, stop: 2e5, points: 3, rbw: 1e3, logscale: false };
  await clock.run(Promise.all([rp.na.single(s), rp.na.single(s), rp.na.single(s)]));
  watch.unsubscribe();
  t.is(rp.na.lastCleanupError, null);
  t.deepEqual(rp.asg0.settings, before);
  t.deepEqual(simOf(rp).asgSettings(0), before);
  t.is(rp.leases.holderOf('asg0'), undefined);
  // every sweep starts from the user's settings and gives them back
  const sweep = [1e5, 1.5e5, 2e5];
  t.deepEqual(frequencies, [1234, ...sweep, 1234, ...sweep, 1234, ...sweep, 1234]);
  await rp.close();
});

test('#12 case 3: a restore that takes time (as over SCPI) holds the lease; the next sweep starts from the restored generator', async (t) => {
  // A driver whose setAsg answers 2 ms of board time later, as a network round trip does. The
  // restore after each sweep must finish before the next sweep is granted (and reads asg0's
  // settings to restore them in turn), whoever waits next.
  const clock = new VirtualClock();
  const sim = createSimBoard({ seed: 9, scheduler: clock });
  const slow = new Proxy(sim, {
    get(target, prop, receiver) {
      if (prop === 'setAsg') return (index: number, s: never) => target.setAsg(index, s).pipe(delayBy(2, clock));
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const rp = new Board(slow);
  await clock.run(rp.asg0.set({ frequency: 1234, amplitude: 0.05, output: 'out1' }));
  const before = rp.asg0.settings;
  const heldDuringRestore: string[] = [];
  const frequencies: number[] = [];
  const watch = rp.asg0.settings$.subscribe((s) => {
    frequencies.push(s.frequency);
    if (s.frequency === 1234) heldDuringRestore.push(rp.leases.holderOf('asg0')?.owner ?? 'free');
  });
  const s = { start: 1e5, stop: 2e5, points: 3, rbw: 1e3, logscale: false };
  await clock.run(Promise.all([rp.na.single(s), rp.na.single(s), rp.na.single(s)]));
  await clock.advanceBy(10);
  watch.unsubscribe();
  t.is(rp.na.lastCleanupError, null);
  t.deepEqual(rp.asg0.settings, before);
  t.deepEqual(sim.asgSettings(0), before);
  const sweep = [1e5, 1.5e5, 2e5];
  t.deepEqual(frequencies, [1234, ...sweep, 1234, ...sweep, 1234, ...sweep, 1234]);
  // the first value is the current one at subscription (free); every restore lands under the lease
  t.deepEqual(heldDuringRestore, ['free', 'na', 'na', 'na']);
  t.is(rp.leases.holderOf('asg0'), undefined);
  await rp.close();
});

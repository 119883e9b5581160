import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { ConnectionLostError, SCOPE_DEFAULTS, type Trace } from '@labrx/core';
import { createSimBoard, lowpass, resonator, type SimBoardOptions } from '@labrx/hw-sim';
import { connect, type Board } from 'labrx';
import { startScpiServer } from '@labrx/scpi';
import { connectScpiBoard } from '@labrx/scpi';
import { fitSine, rmsAc, wrapPi } from '../helpers/fit.js';

// One physics suite, two drivers: the embedded simulator, and the same simulator served by the SCPI
// server and driven by ScpiBoard over TCP. Real time (the SCPI link is a real socket); decimations
// stay small so that every acquisition lasts milliseconds.

interface Rig {
  readonly rp: Board;
  close(): Promise<void>;
}

// Both rigs open their board with labrx's connect(): { sim } for the embedded simulator, and
// 'scpi://127.0.0.1:<port>' for the simulator behind the SCPI server.
const DRIVERS: Record<string, (options: SimBoardOptions) => Promise<Rig>> = {
  embedded: async (options) => {
    const rp = await connect({ sim: options });
    return { rp, close: () => rp.close() };
  },
  'SCPI over TCP': async (options) => {
    const sim = createSimBoard(options);
    const server = await startScpiServer({ board: sim, port: 0 });
    const rp = await connect(server.url);
    if (!rp.id.startsWith('scpi://') || rp.info.iqCount !== 0) throw new Error(`expected the ScpiBoard driver, got ${rp.id}`);
    return {
      rp,
      close: async () => {
        await rp.close();
        await server.close();
        await sim.close();
      },
    };
  },
};

for (const [name, open] of Object.entries(DRIVERS)) {
  test(`${name}: a 10 kHz sine through a first-order low-pass shows |H|·0.5 and ∠H on in1, 0.5 V on in2`, async (t) => {
    const cutoff = 20e3, f = 10e3;
    const { rp, close } = await open({ seed: 3, dut: lowpass({ cutoff, order: 1 }), noiseDensity: 1e-7 });
    t.teardown(close);
    await rp.asg0.set({ waveform: 'sine', frequency: f, amplitude: 0.5, output: 'out1' });
    const tr = await rp.scope.single({ decimation: 64 });
    const h = { re: 1 / (1 + (f / cutoff) ** 2), im: -(f / cutoff) / (1 + (f / cutoff) ** 2) };
    const in1 = fitSine(tr.ch1, tr.dt, tr.t0, f);
    const in2 = fitSine(tr.ch2, tr.dt, tr.t0, f);
    // Noise 1e-7 V/√Hz averaged to 1.95 MS/s: σ ≈ 1e-4 V, amplitude error σ·√(2/N) ≈ 1e-6 V; the
    // boxcar of 64 samples attenuates 10 kHz by 1.1e-5; quantisation averages out: 1 % and 1° are loose.
    t.true(Math.abs(in1.amplitude / (0.5 * Math.hypot(h.re, h.im)) - 1) < 0.01, `in1 ${in1.amplitude}`);
    t.true(Math.abs(in2.amplitude / 0.5 - 1) < 0.01, `in2 ${in2.amplitude}`);
    const dPhaseDeg = (wrapPi(in1.phase - in2.phase) * 180) / Math.PI;
    t.true(Math.abs(dPhaseDeg - (Math.atan2(h.im, h.re) * 180) / Math.PI) < 1, `phase ${dPhaseDeg}`);
  });

  test(`${name}: gain 'hv' reads the same tone on the ±20 V scale: 0.5 V within 1 %, every sample a whole number of 40 V/2^14 steps`, async (t) => {
    const { rp, close } = await open({ seed: 4, noiseDensity: 1e-7 });
    t.teardown(close);
    await rp.asg0.set({ waveform: 'sine', frequency: 10e3, amplitude: 0.5, output: 'out1' });
    const tr = await rp.scope.single({ decimation: 64, gain: 'hv', boxcar: false });
    const lsb = 40 / 2 ** 14; // 2.44 mV: the HV step, 20× the LV one
    for (const v of tr.ch2.subarray(0, 2000)) t.true(Math.abs(v / lsb - Math.round(v / lsb)) < 1e-3, `${v} V is not on the HV grid`);
    // quantisation noise lsb/√12 = 0.7 mV per sample, averaged over 16384 samples: the fit is far within 1 %
    t.true(Math.abs(fitSine(tr.ch2, tr.dt, tr.t0, 10e3).amplitude / 0.5 - 1) < 0.01);
  });

  test(`${name}: 'ch1-rising' at 0.2 V puts the crossing at t = 0 within one sample; triggerDelay shifts t0`, async (t) => {
    const { rp, close } = await open({ seed: 4, noiseDensity: 1e-8 });
    t.teardown(close);
    await rp.asg0.set({ frequency: 5e3, amplitude: 0.5, output: 'out1' });
    const around = (tr: Trace) => {
      const i0 = Math.round(-tr.t0 / tr.dt);
      return [tr.ch1[i0 - 1]!, tr.ch1[i0]!] as const;
    };
    // the sample at t = 0 is the first at or above the threshold (noise 1e-8 V/√Hz ≪ 1 LSB)
    const tr = await rp.scope.single({ decimation: 8, trigger: 'ch1-rising', threshold: 0.2, hysteresis: 0.01 });
    const [b0, a0] = around(tr);
    t.true(b0 < 0.2 && a0 >= 0.2, `${b0} ${a0}`);
    t.is(tr.t0, -8192 * tr.dt);
    // 20 µs is 312.5 samples of 64 ns: SCPI sends whole samples (DLY 312), so t0 agrees within one sample
    const tr2 = await rp.scope.single({ decimation: 8, trigger: 'ch1-rising', threshold: 0.2, triggerDelay: 20e-6 });
    t.true(Math.abs(tr2.t0 - (-8192 * tr2.dt + 20e-6)) <= tr2.dt, `t0 ${tr2.t0}`);
    const [b2, a2] = around(tr2);
    t.true(b2 < 0.2 && a2 >= 0.2, `${b2} ${a2}`);
  });

  test(`${name}: white noise of 1e-5 V/√Hz reads an rms of 1e-5·√(62.5 MHz) = 79 mV at decimation 1`, async (t) => {
    const { rp, close } = await open({ seed: 6, noiseDensity: 1e-5 });
    t.teardown(close);
    const tr = await rp.scope.single({ decimation: 1 });
    const expected = 1e-5 * Math.sqrt(62.5e6);
    // 16384 independent samples estimate an rms to 1/√(2N) = 0.55 % (1σ); the ADC's LSB²/12 adds 1e-9 V²
    for (const x of [tr.ch1, tr.ch2]) t.true(Math.abs(rmsAc(x) / expected - 1) < 0.03, `rms ${rmsAc(x)}`);
  });

  test(`${name}: the spectrum analyzer shows a 100 kHz, 0.5 V tone as 0.25 Vpk² in the right bin`, async (t) => {
    const { rp, close } = await open({ seed: 7, noiseDensity: 1e-7 });
    t.teardown(close);
    await rp.asg0.set({ frequency: 1e5, amplitude: 0.5, output: 'out1' });
    const s = await rp.specan.single({ decimation: 8, window: 'flattop', unit: 'Vpk^2' });
    let k = 0;
    for (let i = 1; i < s.ch2.length; i++) if (s.ch2[i]! > s.ch2[k]!) k = i;
    // bins are 125 MHz / 8 / 16384 = 954 Hz wide; the flat-top window reads a tone's peak power within
    // 0.01 dB wherever it falls; the boxcar of 8 samples loses 7e-5 at 100 kHz: 1 % is loose
    t.true(Math.abs(s.frequencies[k]! - 1e5) <= 954, `peak at ${s.frequencies[k]} Hz`);
    t.true(Math.abs(s.ch2[k]! / 0.25 - 1) < 0.01, `peak ${s.ch2[k]} Vpk²`);
  });

  test(`${name}: the network analyzer measures a resonator (f0 1 MHz, Q 20, gain 0.5) at and beside f0`, async (t) => {
    const f0 = 1e6, q = 20, gain = 0.5;
    const { rp, close } = await open({ seed: 8, dut: resonator({ f0, q, gain }), noiseDensity: 1e-7 });
    t.teardown(close);
    const h = await rp.na.single({ start: f0 * (1 - 1 / (2 * q)), stop: f0 * (1 + 1 / (2 * q)), points: 3, rbw: 1e3, amplitude: 0.2 });
    const mag = h.magnitude();
    const phase = h.phaseDeg();
    for (let i = 0; i < 3; i++) {
      const f = h.frequencies[i]!;
      const x = q * (f / f0 - f0 / f);
      // H = gain / (1 + j·x): |H| = gain/√(1+x²), ∠H = −atan(x); ±1/(2Q) off f0 gives x ≈ ±1 (−3 dB, ∓45°).
      // rbw 1 kHz over 0.2 V: noise 1e-7 V/√Hz · √1 kHz = 3 µV against 0.1 V, far below 2 % / 2°.
      t.true(Math.abs(mag[i]! / (gain / Math.hypot(1, x)) - 1) < 0.02, `|H(${f})| = ${mag[i]}`);
      t.true(Math.abs(phase[i]! + (Math.atan(x) * 180) / Math.PI) < 2, `∠H(${f}) = ${phase[i]}°`);
    }
  });
}

test('a real server closed mid-acquisition fails ScpiBoard with ConnectionLostError at once', async (t) => {
  const sim = createSimBoard({ seed: 9 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const board = await connectScpiBoard(server.url);
  t.teardown(() => sim.close());
  // decimation 65536: the acquisition would take 8.6 s
  const pending = firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 65536 }));
  pending.catch(() => undefined);
  while (sim.activeAcquisitions === 0) await new Promise((r) => setTimeout(r, 2));
  const started = performance.now();
  await server.close();
  await t.throwsAsync(pending, { instanceOf: ConnectionLostError });
  t.true(performance.now() - started < 1000);
  t.is(sim.activeAcquisitions, 0, 'closing the server stopped the board acquisition');
  await t.throwsAsync(board.query('*IDN?'), { instanceOf: ConnectionLostError });
  await board.close();
});

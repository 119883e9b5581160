import test from 'ava';
import { lastValueFrom, toArray } from 'rxjs';
import { lsbVolts, SettingsError } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, DEEP_CHUNK_SAMPLES } from '@labrx/hw-sim';
import { DEEP_READ_SAMPLES, MAX_DEEP_READ_SAMPLES, startScpiServer } from '@labrx/scpi';
import { connect, type Board } from 'labrx';
import { fitSine } from '../helpers/fit.js';
import { RawClient } from './scpiRawClient.js';
import { scpiServedBoard } from '../helpers/scpiServedBoard.js';

// Deep memory on the SCPI path, both ends: labrx-sim's ACQ:AXI:* commands over the signal-level
// simulator, and the SCPI driver's long captures through `rp.scope` (docs/architecture.md, "Deep memory").

const FS = 125e6;
const NOISE_DENSITY = 1e-7; // V/√Hz, the simulator's default
const LSB = lsbVolts(createSimBoard({ deepMemoryBytes: 0 }).info); // 1.2207e-4 V at LV

async function scpiBoard(t: { teardown(fn: () => unknown): void }, deepMemoryBytes?: number): Promise<Board> {
  return (await scpiServedBoard(t, { seed: 21, noiseDensity: NOISE_DENSITY, ...(deepMemoryBytes !== undefined ? { deepMemoryBytes } : {}) })).rp;
}

test('a 1 MHz tone captured as 2,000,000 samples at decimation 1 over SCPI is one sine, continuous across every internal chunk boundary', async (t) => {
  const rp = await scpiBoard(t);
  t.true((rp.info.deepMemorySamples ?? 0) >= 2_000_000, `the server reports ${rp.info.deepMemorySamples} samples of deep memory`);
  await rp.asg0.set({ waveform: 'sine', frequency: 1e6, amplitude: 0.4, output: 'out1' });
  const events = await lastValueFrom(rp.scope.capture$({ decimation: 1, samples: 2_000_000, trigger: 'ch2-rising', threshold: 0 }).pipe(toArray()));
  const progress = events.filter((e) => e.kind === 'progress');
  const last = events.at(-1)!;
  if (last.kind !== 'trace') return t.fail('no trace at the end');
  const trace = last.trace;
  t.is(trace.ch2.length, 2_000_000);
  t.is(trace.dt, 1 / FS);
  // progress: one event per block read, increasing to the total
  t.is(progress.length, Math.ceil(2_000_000 / DEEP_READ_SAMPLES));
  t.deepEqual(
    progress.map((p) => p.samples),
    progress.map((_, i) => Math.min(2_000_000, (i + 1) * DEEP_READ_SAMPLES)),
  );

  // One sine of known frequency fitted to the whole capture (in2 sees out1 directly).
  const fit = fitSine(trace.ch2, trace.dt, trace.t0, 1e6);
  t.true(Math.abs(fit.amplitude - 0.4) < 2e-3, `amplitude ${fit.amplitude} V`);
  // The trigger sample sits mid-trace: a rising zero crossing, so the phase at t = 0 is within one sample of 0.
  t.true(Math.abs(fit.phase) < (2 * Math.PI * 1e6) / FS + 1e-3, `phase at the trigger ${fit.phase} rad`);

  // Noise floor of one sample: input noise ρ·√(fs/2) and quantisation LSB/√12, independent.
  const sigma = Math.hypot(NOISE_DENSITY * Math.sqrt(FS / 2), LSB / Math.sqrt(12));
  // Every internal boundary: the server's render chunks (65536), the driver's read blocks (120000).
  const boundaries = new Set<number>();
  for (let b = DEEP_CHUNK_SAMPLES; b < 2_000_000; b += DEEP_CHUNK_SAMPLES) boundaries.add(b);
  for (let b = DEEP_READ_SAMPLES; b < 2_000_000; b += DEEP_READ_SAMPLES) boundaries.add(b);
  // A window of W samples straddling each boundary, residual against the global fit: rms²/σ² is
  // χ²/W with W degrees of freedom (the fit's 3 parameters come from 2 M samples), so its relative
  // standard deviation is √(2/W) = 6.25 % at W = 512; 1.3 is 4.8 of them, and with ~45 windows the
  // chance of a false alarm is below 1e-4. One lost or repeated sample at 1 MHz is a phase step of
  // 2π/125: a residual of 0.4 V · 0.05 = 20 mV rms on one side, 25 σ.
  const W = 512;
  const w = 2 * Math.PI * 1e6;
  let worst = 0;
  for (const b of [...boundaries].sort((x, y) => x - y)) {
    let ss = 0;
    for (let i = b - W / 2; i < b + W / 2; i++) {
      const model = fit.amplitude * Math.sin(w * (trace.t0 + i * trace.dt) + fit.phase) + fit.offset;
      ss += (trace.ch2[i]! - model) ** 2;
    }
    const ratio = Math.sqrt(ss / W) / sigma;
    worst = Math.max(worst, ratio);
    t.true(ratio < 1.3, `window at ${b}: residual ${ratio.toFixed(3)} σ`);
  }
  t.log(`${boundaries.size} boundaries; worst residual ${worst.toFixed(3)} σ (σ = ${(sigma * 1e3).toFixed(3)} mV)`);
});

test('samples beyond the deep memory give SettingsError naming the limit; a board without deep memory names its 16384-sample buffer', async (t) => {
  const rp = await scpiBoard(t, 2 * 1024 * 1024);
  const limit = rp.info.deepMemorySamples!;
  t.is(limit, 524288); // half of 2 MiB per channel, 2 bytes per sample
  const e = await t.throwsAsync(rp.scope.single({ samples: limit + 1 }), { instanceOf: SettingsError });
  t.regex(e!.message, /samples/);
  t.regex(e!.message, /524288/);
  const none = await scpiBoard(t, 0);
  t.is(none.info.deepMemorySamples, undefined);
  const e2 = await t.throwsAsync(none.scope.single({ samples: 20_000 }), { instanceOf: SettingsError });
  t.regex(e2!.message, /16384/);
  t.regex(e2!.message, /no deep memory/);
  // the embedded simulator has deep memory by default; with deepMemoryBytes: 0 it has none
  const embedded = await connect({ sim: { deepMemoryBytes: 0 } });
  t.teardown(() => embedded.close());
  await t.throwsAsync(embedded.scope.single({ samples: 16385 }), { instanceOf: SettingsError, message: /no deep memory/ });
});

/** Queues commands, then reads SYST:ERR? until empty: the error codes. */
async function errors(client: RawClient): Promise<number[]> {
  const out: number[] = [];
  // the server's queue holds at most a few hundred entries: more answers mean it never empties
  for (let i = 0; i < 1000; i++) {
    const e = await client.query('SYST:ERR?');
    const code = Number.parseInt(e, 10);
    if (code === 0) return out;
    out.push(code);
  }
  throw new Error(`SYST:ERR? did not report an empty queue after 1000 reads: ${out.slice(0, 20).join(', ')}, …`);
}

test('ACQ:AXI limits and errors as the firmware reports them; BIN and ASCII, VOLTS and RAW agree', async (t) => {
  const clock = new VirtualClock();
  const sim = createSimBoard({ seed: 4, scheduler: clock, deepMemoryBytes: 1 << 20 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const client = await RawClient.open(server.port);
  t.teardown(async () => {
    client.close();
    await server.close();
    await sim.close();
  });
  t.is(await client.query('ACQ:AXI:START?'), '16777216');
  t.is(await client.query('ACQ:AXI:SIZE?'), String(1 << 20));
  const start = 16777216;
  // size not a multiple of 16 bytes; start below the region; end past the region: 9506 each, nothing changed
  client.write(`ACQ:AXI:SOUR1:SET:Buffer ${start},1000\r\nACQ:AXI:SOUR1:SET:Buffer ${start - 4096},4096\r\nACQ:AXI:SOUR1:SET:Buffer ${start},${(1 << 20) + 64}\r\n`);
  t.deepEqual(await errors(client), [9506, 9506, 9506]);
  // two overlapping buffers cannot both be reserved
  client.write(`ACQ:AXI:SOUR1:SET:Buffer ${start},65536\r\nACQ:AXI:SOUR2:SET:Buffer ${start + 32768},65536\r\nACQ:AXI:SOUR1:ENable ON\r\nACQ:AXI:SOUR2:ENable ON\r\n`);
  t.deepEqual(await errors(client), [9506]);
  // reading a channel whose buffer is not reserved fails; the units are a choice (VOLT is not one)
  client.write('ACQ:AXI:DATA:UNITS VOLT\r\n');
  t.deepEqual(await errors(client), [-224]);
  t.is(await client.query('ACQ:AXI:DATA:UNITS?'), 'VOLTS');
  client.write('RP:RET_ON_ERROR ON\r\n');
  t.is(await client.query('ACQ:AXI:SOUR2:DATA:Start:N? 0,10'), '');
  t.deepEqual(await errors(client), [9506]);

  // capture 32768 samples on channel 1 (whole buffer after the trigger), generator on in2 only matters for ch2
  client.write('SOUR1:FUNC SINE;FREQ:FIX 1e6;:SOUR1:VOLT 0.5;:OUTPUT1:STATE ON\r\n');
  client.write(`ACQ:AXI:DEC 4\r\nACQ:AXI:SOUR1:Trig:Dly 32768\r\nACQ:START\r\nACQ:TRig CH1_PE\r\n`);
  t.is(await client.query('ACQ:AXI:DEC?'), '4');
  t.is(await client.query('ACQ:DEC?'), '4', 'ACQ:AXI:DEC writes the decimation register ACQ:DEC reads');
  t.is(await client.query('ACQ:AXI:SOUR1:TRIG:FILL?'), '0');
  for (let i = 0; i < 200 && (await client.query('ACQ:AXI:SOUR1:TRIG:FILL?')) !== '1'; i++) await clock.advanceBy(0.5);
  t.is(await client.query('ACQ:AXI:SOUR1:TRIG:FILL?'), '1');
  const pos = Number(await client.query('ACQ:AXI:SOUR1:Trig:Pos?'));
  t.true(pos >= 0 && pos < 32768);
  // the whole ring was written after the trigger: the writer stopped where it started, at the trigger
  t.is(Number(await client.query('ACQ:AXI:SOUR1:Write:Pos?')), pos);

  const n = 4096;
  const ascii = (await client.query(`ACQ:AXI:SOUR1:DATA:Start:N? ${pos},${n}`)).replace(/[{}]/g, '').split(',').map(Number);
  client.write('ACQ:DATA:FORMAT BIN\r\n');
  client.write(`ACQ:AXI:SOUR1:DATA:Start:N? ${pos},${n}\r\n`);
  const head = `#5${4 * n}`;
  const bin = await client.readBytes(head.length + 4 * n + 2);
  t.is(bin.subarray(0, head.length).toString(), head);
  const volts = Array.from({ length: n }, (_, i) => bin.readFloatBE(head.length + 4 * i));
  client.write('ACQ:AXI:DATA:UNITS RAW\r\n');
  client.write(`ACQ:AXI:SOUR1:DATA:Start:N? ${pos},${n}\r\n`);
  const headRaw = `#4${2 * n}`;
  const raw = await client.readBytes(headRaw.length + 2 * n + 2);
  const counts = Array.from({ length: n }, (_, i) => raw.readInt16BE(headRaw.length + 2 * i));
  // ASCII prints %f (6 decimals, ties to even): within half a unit, 5e-7 V, of the float32; RAW counts × LSB are the volts exactly (float32)
  for (let i = 0; i < n; i++) {
    if (Math.abs(ascii[i]! - volts[i]!) > 5e-7 + 1e-12) return t.fail(`sample ${i}: ASCII ${ascii[i]} vs BIN ${volts[i]}`);
    if (Math.fround(counts[i]! * LSB) !== volts[i]) return t.fail(`sample ${i}: RAW ${counts[i]} vs BIN ${volts[i]}`);
  }
  // the trigger sample is the first at or above 0 V after the hysteresis band (−5 mV)
  t.true(volts[0]! >= 0, `trigger sample ${volts[0]}`);
  // the trigger in the middle of the sine's rising edge: in1 = 0.5 sin(…), 31.25 samples per cycle at dec 4
  t.true(volts[7]! > 0.3, `a quarter period later ${volts[7]}`);
  // one read asks for at most the buffer (9506), and at most MAX_DEEP_READ_SAMPLES (an allocation failure, −200)
  client.write(`ACQ:AXI:SOUR1:DATA:Start:N? 0,${32768 + 8}\r\n`);
  t.is(await client.readLine(), '');
  client.write(`ACQ:AXI:SOUR1:DATA:Start:N? 0,${MAX_DEEP_READ_SAMPLES + 1}\r\n`);
  t.is(await client.readLine(), '');
  t.deepEqual(await errors(client), [9506, -200]);
  // ACQ:RST releases the buffers (acq_SetDefault): the delay back to 1
  client.write('ACQ:RST\r\n');
  t.is(await client.query('ACQ:AXI:SOUR1:Trig:Dly?'), '1');

  // a board without deep memory: every ACQ:AXI command fails with Unsupported Feature
  const none = createSimBoard({ seed: 4, scheduler: clock, deepMemoryBytes: 0 });
  const server2 = await startScpiServer({ board: none, port: 0 });
  const c2 = await RawClient.open(server2.port);
  t.teardown(async () => {
    c2.close();
    await server2.close();
    await none.close();
  });
  c2.write('RP:RET_ON_ERROR ON\r\n');
  t.is(await c2.query('ACQ:AXI:SIZE?'), '');
  t.deepEqual(await errors(c2), [9524]);
});

test('deep-memory generation: a 4096-sample buffer holding 4 periods plays at 125 MHz · 4 / 4096, scaled by SOUR1:VOLT, seen at IN1', async (t) => {
  const clock = new VirtualClock();
  const sim = createSimBoard({ seed: 6, scheduler: clock, noiseDensity: NOISE_DENSITY, deepMemoryBytes: 1 << 20 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const client = await RawClient.open(server.port);
  t.teardown(async () => {
    client.close();
    await server.close();
    await sim.close();
  });
  const start = Number(await client.query('GEN:AXI:START?'));
  const n = 4096;
  // reservation sizes are multiples of 128 bytes; a bad one is refused (9506)
  client.write(`SOUR1:AXI:RESERVE ${start},${start + 100}\r\n`);
  t.deepEqual(await errors(client), [9506]);
  client.write(`GEN:RST\r\nSOUR1:AXI:RESERVE ${start},${start + 2 * n}\r\nSOUR1:AXI:DEC 1\r\n`);
  const table = Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 4 * i) / n).toFixed(6));
  for (let o = 0; o < n; o += 1024) client.write(`SOUR1:AXI:OFFSET${o}:DATA1024 ${table.slice(o, o + 1024).join(',')}\r\n`);
  // a value outside −1…1 is refused: 9517 Data not normalized; a wrong count: −200
  client.write('SOUR1:AXI:OFFSET0:DATA2 0.5,1.5\r\nSOUR1:AXI:OFFSET0:DATA3 0.5,0.5\r\n');
  t.deepEqual(await errors(client), [9517, -200]);
  client.write('SOUR1:VOLT 0.5\r\nSOUR1:AXI:ENable ON\r\nSOUR1:AXI:SET:CALIB\r\nOUTPUT1:STATE ON\r\n');
  t.deepEqual(await errors(client), []);
  t.is(await client.query('SOUR1:AXI:ENable?'), 'ON');
  // the standard scope on IN1 (out1 is wired to in1): decimation 8, 16384 samples = 1.05 ms
  client.write('ACQ:DATA:FORMAT BIN\r\nACQ:DEC 8\r\nACQ:START\r\nACQ:TRig NOW\r\n');
  for (let i = 0; i < 100 && (await client.query('ACQ:TRig:STAT?')) !== 'TD'; i++) await clock.advanceBy(0.25);
  client.write('ACQ:SOUR1:DATA?\r\n');
  const head = '#565536';
  const raw = await client.readBytes(head.length + 65536 + 2);
  const x = new Float64Array(16384);
  for (let i = 0; i < x.length; i++) x[i] = raw.readFloatBE(head.length + 4 * i);
  const f = (FS * 4) / n; // 122070.3125 Hz
  const fit = fitSine(x, 8 / FS, 0, f);
  // amplitude 0.5 V through the boxcar of 8 samples at 122 kHz (sinc: 1 − 3e-4) and the DAC grid;
  // the fit's standard error is σ·√(2/N) = 0.28 mV·0.011 ≈ 3 µV, so 2 mV is the table's 14-bit rounding and the boxcar with room
  t.true(Math.abs(fit.amplitude - 0.5) < 2e-3, `amplitude ${fit.amplitude} V at ${f} Hz`);
  // the residual is the noise floor: nothing else (no other frequency) is in the output
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i]! - fit.amplitude * Math.sin(2 * Math.PI * f * (i * 8) / FS + fit.phase) - fit.offset) ** 2;
  const sigma = Math.hypot(NOISE_DENSITY * Math.sqrt(FS / 2 / 8), LSB / Math.sqrt(12));
  t.true(Math.sqrt(ss / x.length) < 1.2 * sigma, `residual ${Math.sqrt(ss / x.length)} V against σ ${sigma} V`);
  // disabling returns the output to its standard waveform (SINE at 1 kHz after GEN:RST)
  client.write('SOUR1:AXI:ENable OFF\r\n');
  t.is(await client.query('SOUR1:AXI:ENable?'), 'OFF');
  t.like(sim.asgSettings(0), { waveform: 'sine', frequency: 1000 });
});

test('unsubscribing a long capture while it is read stops the board and releases the rings; nothing keeps running', async (t) => {
  const { sim, rp } = await scpiServedBoard(t, { seed: 8, noiseDensity: NOISE_DENSITY });
  // while the board records (decimation 1024, the trace starting at the trigger: 2,000,000 samples take 16 s): leaving stops it
  const early = rp.scope.capture$({ decimation: 1024, samples: 2_000_000, triggerDelay: 1_000_000 * (1024 / FS) }).subscribe({ error: (e: unknown) => t.fail(`${(e as Error).name}: ${(e as Error).message}`) });
  for (let i = 0; i < 300 && sim.activeAcquisitions === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.true(sim.activeAcquisitions > 0, 'the capture started on the board');
  early.unsubscribe();
  t.false(rp.driver.scopeRunning);
  for (let i = 0; i < 100 && sim.activeAcquisitions > 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(sim.activeAcquisitions, 0, 'ACQ:STOP stopped the board');
  // while the rings are read (decimation 64: 1.02 s of recording first): leave after the first block
  const seen = await new Promise<number>((resolve, reject) => {
    const sub = rp.scope.capture$({ decimation: 64, samples: 2_000_000, triggerDelay: 1_000_000 * (64 / FS) }).subscribe({
      next: (e) => {
        if (e.kind === 'progress') {
          sub.unsubscribe();
          resolve(e.samples);
        }
      },
      error: reject,
    });
  });
  t.is(seen, DEEP_READ_SAMPLES);
  t.false(rp.driver.scopeRunning);
  // and the scope works again at once
  const tr = await rp.scope.single({ decimation: 1, samples: 100_000 });
  t.is(tr.ch1.length, 100_000);
});

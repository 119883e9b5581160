import test from 'ava';
import { Subject, lastValueFrom, map, toArray } from 'rxjs';
import { SCOPE_DEFAULTS, SettingsError, deepCaptureWindow, type DeepCaptureEvent } from '@labrx/core';
import { createSimBoard, DEEP_CHUNK_SAMPLES, parseLabrxSimArgs } from '@labrx/hw-sim';
import { connect } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';
import { acquire, FS, setAsg, virtualSim } from './simHelpers.js';

// The simulator's deep-memory capture (captureDeep): the same sample stream as a standard
// acquisition, any length, delivered in chunks as its samples pass.

test('a deep capture emits its geometry, then chunks that tile it in order, and takes its length in board time', async (t) => {
  const { clock, board } = virtualSim({ seed: 3, noiseDensity: 0 });
  await setAsg(board, 0, { frequency: 1.234e6, amplitude: 0.6, output: 'out1' });
  const n = 200_000;
  const settings = { ...SCOPE_DEFAULTS, decimation: 2 };
  // the same trigger index (8192, mid-buffer) as the standard trace: both start at stream sample 0
  const t0 = clock.now();
  const both = Promise.all([lastValueFrom(board.deepMemory!.capture$(settings, { samples: n, triggerIndex: 8192 }).pipe(toArray())), acquire(clock, board, settings)]);
  const [events, standard] = await clock.run(both);
  const dt = 2 / FS;
  const trigger = events[0]!;
  t.like(trigger, { kind: 'trigger', samples: n, dt, t0: -8192 * dt });
  const chunks = events.slice(1) as Extract<DeepCaptureEvent, { kind: 'chunk' }>[];
  t.deepEqual(
    chunks.map((c) => c.offset),
    Array.from({ length: Math.ceil(n / DEEP_CHUNK_SAMPLES) }, (_, i) => i * DEEP_CHUNK_SAMPLES),
  );
  t.is(chunks.reduce((a, c) => a + c.ch1.length, 0), n);
  t.is(standard.ch1.length, 16384);
  // board time: the capture ends when its last sample is in, n samples after arming
  t.true(Math.abs(clock.now() - t0 - n * dt * 1e3) < 1e-6, `${clock.now() - t0} ms`);
});

test('the first 16384 samples of a noiseless deep capture equal the standard trace armed at the same instant', async (t) => {
  const { clock, board } = virtualSim({ seed: 3, noiseDensity: 0 });
  await setAsg(board, 0, { frequency: 1.234e6, amplitude: 0.6, output: 'out1' });
  const settings = { ...SCOPE_DEFAULTS, decimation: 4 };
  const first = new Float64Array(16384);
  // a chunk's arrays are reused for the next one: copied on arrival
  const got = new Promise<void>((resolve) => {
    const sub = board.deepMemory!.capture$(settings, { samples: 100_000, triggerIndex: 8192 }).subscribe((e) => {
      if (e.kind === 'chunk' && e.offset === 0) {
        first.set(e.ch1.subarray(0, 16384));
        sub.unsubscribe();
        resolve();
      }
    });
  });
  const standard = acquire(clock, board, settings);
  const [, tr] = await clock.run(Promise.all([got, standard]));
  for (let i = 0; i < 16384; i++) if (first[i] !== tr.ch1[i]) return t.fail(`sample ${i}: deep ${first[i]} vs standard ${tr.ch1[i]}`);
  t.pass();
});

test('rp.scope on the embedded simulator: capture$ reports progress then one trace; a positive triggerDelay beyond half the trace starts it after the trigger', async (t) => {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 2, scheduler: clock } });
  t.teardown(() => rp.close());
  const events = await clock.run(lastValueFrom(rp.scope.capture$({ decimation: 8, samples: 300_000 }).pipe(toArray())));
  const progress = events.filter((e) => e.kind === 'progress');
  t.is(progress.at(-1)?.kind === 'progress' ? progress.at(-1)!.samples : 0, 300_000);
  const last = events.at(-1)!;
  if (last.kind !== 'trace') return t.fail();
  t.is(last.trace.ch1.length, 300_000);
  t.is(last.trace.t0, -150_000 * (8 / FS));
  // triggerDelay of 200,000 samples: the trace starts 50,000 samples after the trigger
  const dt = 8 / FS;
  t.deepEqual(deepCaptureWindow(300_000, 200_000 * dt, dt), { samples: 300_000, triggerIndex: -50_000 });
  const late = await clock.run(rp.scope.single({ decimation: 8, samples: 300_000, triggerDelay: 200_000 * dt }));
  t.true(Math.abs(late.t0 - 50_000 * dt) < 1e-15, `t0 ${late.t0}`);
});

test('deepMemoryBytes: the DDR region in bytes (default 32 MiB; 0 = none), validated; labrx-sim --deep-memory passes it on', (t) => {
  t.is(createSimBoard().info.deepMemorySamples, (32 * 2 ** 20) / 4);
  t.is(createSimBoard({ deepMemoryBytes: 0 }).info.deepMemorySamples, undefined);
  t.is(createSimBoard({ deepMemoryBytes: 0 }).deepMemory, undefined);
  for (const bad of [5, -4096, 413 * 2 ** 20, 1.5, Number.NaN]) {
    t.throws(() => createSimBoard({ deepMemoryBytes: bad }), { instanceOf: SettingsError, message: /deepMemoryBytes/ }, String(bad));
  }
  t.is(parseLabrxSimArgs(['--deep-memory', '2097152'])!.deepMemoryBytes, 2097152);
  t.is(parseLabrxSimArgs([])!.deepMemoryBytes, undefined);
  t.throws(() => parseLabrxSimArgs(['--deep-memory', 'lots']), { instanceOf: SettingsError, message: /deep-memory/ });
});

test('catchUp$ writes at once every sample due on the board clock, however late the timers run, and they are the samples the timers would have written', async (t) => {
  // The SCPI server asks for this on every ACQ:AXI query (DeepMemoryModel), so its writer never lags
  // the board's clock when looked at. Late timers are modelled by moving the virtual clock without
  // running what is scheduled (a busy event loop), then asking.
  const decimation = 4;
  const dtMs = (decimation / FS) * 1e3; // 32 ns
  const n = 300_000;
  const settings = { ...SCOPE_DEFAULTS, decimation };
  const collect = (events: DeepCaptureEvent[]) => {
    const out = new Float64Array(n);
    let total = 0;
    for (const e of events) {
      if (e.kind !== 'chunk') continue;
      t.is(e.offset, total, 'chunks tile the capture in order');
      out.set(e.ch1, e.offset);
      total += e.ch1.length;
    }
    return { out, total };
  };

  const a = virtualSim({ seed: 5, noiseDensity: 1e-7 });
  await setAsg(a.board, 0, { frequency: 0.77e6, amplitude: 0.5, output: 'out1' });
  const catchUp = new Subject<void>();
  const events: DeepCaptureEvent[] = [];
  const t0 = a.clock.now();
  const finished = new Promise<void>((resolve) => {
    a.board.deepMemory!.capture$(settings, { samples: n, triggerIndex: 0 }, catchUp).subscribe({ next: (e) => events.push(e.kind === 'chunk' ? { ...e, ch1: e.ch1.slice(), ch2: e.ch2.slice() } : e), complete: resolve });
  });
  t.is(events[0]?.kind, 'trigger', 'an immediate trigger fires at once');
  // 1.5 ms of board time pass with no timer run: 46875 samples are due, less than one 65536 chunk
  a.clock.frame = t0 + 1.5;
  catchUp.next();
  t.is(collect(events).total, Math.floor(1.5 / dtMs + 1e-9), 'every due sample, none more');
  // 4.7 ms: past two chunk boundaries whose timers never ran
  a.clock.frame = t0 + 4.7;
  catchUp.next();
  catchUp.next(); // nothing new due: nothing written
  t.is(collect(events).total, Math.floor(4.7 / dtMs + 1e-9));
  // the timers then finish the capture (they find the chunks written and go on from there)
  await a.clock.run(finished);
  const caught = collect(events);
  t.is(caught.total, n);

  // the same board without catchUp$, timers only
  const b = virtualSim({ seed: 5, noiseDensity: 1e-7 });
  await setAsg(b.board, 0, { frequency: 0.77e6, amplitude: 0.5, output: 'out1' });
  // a chunk's arrays are reused for the next one: copied on arrival
  const copy = map((e: DeepCaptureEvent): DeepCaptureEvent => (e.kind === 'chunk' ? { ...e, ch1: e.ch1.slice(), ch2: e.ch2.slice() } : e));
  const plain = collect(await b.clock.run(lastValueFrom(b.board.deepMemory!.capture$(settings, { samples: n, triggerIndex: 0 }).pipe(copy, toArray()))));
  t.is(plain.total, n);
  let same = 0;
  for (let i = 0; i < n; i++) if (caught.out[i] === plain.out[i]) same++;
  t.is(same, n, 'bit for bit the same samples: where a piece ends does not change the stream');
});

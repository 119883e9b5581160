import test from 'ava';
import { NEVER, defer, finalize, map, take, toArray, lastValueFrom } from 'rxjs';
import { connect, connectMany, createSimBoard, ConnectionLostError, Fleet, MapErrors, resonator, SettingsError, simTargets, TimeoutError, type Board } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';

// A Red Pitaya acquisition fills 16384 samples at 125 MHz / decimation: 16384·decimation/125e6 s.
// Virtual time is exact, so durations below are compared to within float rounding (1e-6 ms).
const acquisitionMs = (decimation: number): number => ((16384 * decimation) / 125e6) * 1e3;
const EPS_MS = 1e-6;

test('connectMany({ sim: { count } }): boards sim:<seed+i>, each drawing its own noise, the same again for the same seeds', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 4, seed: 10, scheduler: clock, noiseDensity: 1e-5 } });
  t.deepEqual(fleet.ids, ['sim:10', 'sim:11', 'sim:12', 'sim:13']);
  t.is(fleet.size, 4);
  t.is(fleet.board('sim:12'), fleet.boards[2]);
  t.deepEqual(fleet.failures, []);
  // 1e-5 V/√Hz boxcar-averaged at decimation 64 is σ = 1e-5·√(125e6/64/2) ≈ 9.9 mV, some 80 ADC
  // steps (2 V / 2^14 = 0.12 mV): two boards with different noise cannot give equal traces.
  const a = await clock.run(fleet.scope.single({ decimation: 64 }));
  for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) t.notDeepEqual(a[i]!.value.ch1, a[j]!.value.ch1, `${i} vs ${j}`);
  await fleet.close();

  const clock2 = new VirtualClock();
  const again = await connectMany({ sim: { count: 4, seed: 10, scheduler: clock2, noiseDensity: 1e-5 } });
  const b = await clock2.run(again.scope.single({ decimation: 64 }));
  t.deepEqual(
    b.map((e) => e.value.ch1),
    a.map((e) => e.value.ch1),
    'same seeds, same calls, same samples',
  );
  await again.close();
});

test('fleet.scope.single: every board at once, in the time of one acquisition; results tagged and in board order', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 6, scheduler: clock } });
  const results = await clock.run(fleet.scope.single({ decimation: 8192 }));
  t.true(Math.abs(clock.now() - acquisitionMs(8192)) < EPS_MS, `${clock.now()} ms`);
  t.deepEqual(
    results.map((r) => [r.status, r.board, r.index]),
    fleet.ids.map((id, i) => ['fulfilled', id, i]),
  );
  for (const r of results) {
    t.is(r.value.ch1.length, 16384);
    t.is(r.value.dt, 8192 / 125e6); // s per sample
  }
  await fleet.close();
});

test('per-board settings: a function of the board and its index', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 3, scheduler: clock } });
  const results = await clock.run(fleet.scope.single((_board, i) => ({ decimation: 2 ** (i + 2) })));
  t.deepEqual(
    results.map((r) => r.value.dt),
    [4 / 125e6, 8 / 125e6, 16 / 125e6],
  );
  t.true(Math.abs(clock.now() - acquisitionMs(16)) < EPS_MS, 'the slowest board sets the time');
  await fleet.close();
});

test('fleet.map: concurrency is honoured, progress counts every board, and the results keep board order', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 5, scheduler: clock } });
  let busy = 0;
  let most = 0;
  const progress: string[] = [];
  const results = await clock.run(
    fleet.map(
      (rp) =>
        defer(() => {
          most = Math.max(most, ++busy);
          return rp.scope.single$({ decimation: 1024 });
        }).pipe(
          finalize(() => busy--),
          map((tr) => tr.ch1.length),
        ),
      { concurrency: 2, onProgress: (p, e) => progress.push(`${p.done}/${p.total} ${e.board}`) },
    ),
  );
  t.is(most, 2);
  // Two at a time: boards {1,2}, {3,4}, {5} — three acquisition times end to end.
  t.true(Math.abs(clock.now() - 3 * acquisitionMs(1024)) < EPS_MS, `${clock.now()} ms`);
  t.deepEqual(progress, ['1/5 sim:1', '2/5 sim:2', '3/5 sim:3', '4/5 sim:4', '5/5 sim:5']);
  t.deepEqual(
    results.map((r) => [r.board, r.value]),
    fleet.ids.map((id) => [id, 16384]),
  );
  await fleet.close();
});

test("fleet.map with onError 'collect': each failure reported with its board, the others finish; 'stop' rejects unchanged", async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 4, scheduler: clock } });
  const broken = new Error('relay stuck');
  const work = (rp: Board, i: number) => {
    if (i === 1) throw broken; // a synchronous failure
    return rp.scope.single({ decimation: 64 }).then((tr) => tr.dt);
  };
  const entries = await clock.run(fleet.map(work, { onError: 'collect' }));
  t.deepEqual(
    entries.map((e) => [e.board, e.status]),
    [
      ['sim:1', 'fulfilled'],
      ['sim:2', 'rejected'],
      ['sim:3', 'fulfilled'],
      ['sim:4', 'fulfilled'],
    ],
  );
  t.is((entries[1] as { error: unknown }).error, broken);
  t.is(await t.throwsAsync(clock.run(fleet.map(work))), broken);
  await fleet.close();
});

test('fleet.map timeoutMs: a hung board fails with TimeoutError at exactly the limit, on its own clock; the others finish', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 3, scheduler: clock } });
  let aborted: unknown;
  const entries = await clock.run(
    fleet.map(
      (rp, i, signal) => {
        if (i === 2) {
          signal.addEventListener('abort', () => (aborted = signal.reason));
          return new Promise<number>(() => undefined); // never settles
        }
        return rp.scope.single$({ decimation: 64 }).pipe(map(() => i));
      },
      { onError: 'collect', timeoutMs: 500 },
    ),
  );
  t.deepEqual(
    entries.map((e) => e.status),
    ['fulfilled', 'fulfilled', 'rejected'],
  );
  const err = (entries[2] as { error: unknown }).error;
  t.true(err instanceof TimeoutError);
  t.is((err as TimeoutError).operation, 'fleet.map sim:3');
  t.is(aborted, err, "the hung call's signal was aborted with the TimeoutError");
  t.is(clock.now(), 500);
  t.is(clock.nextFrame(), undefined);
  await fleet.close();
});

test('fleet.scope.stream$ merges every board, tagged; unsubscribing stops every board', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 3, scheduler: clock } });
  const tags = await clock.run(
    lastValueFrom(
      fleet.scope.stream$({ decimation: 64 }).pipe(
        take(9),
        map((e) => e.board),
        toArray(),
      ),
    ),
  );
  // Equal acquisition times: the boards take turns, three rounds.
  t.deepEqual(tags, ['sim:1', 'sim:2', 'sim:3', 'sim:1', 'sim:2', 'sim:3', 'sim:1', 'sim:2', 'sim:3']);
  t.true(Math.abs(clock.now() - 3 * acquisitionMs(64)) < EPS_MS);
  t.deepEqual(
    fleet.boards.map((b) => b.driver.scopeRunning),
    [false, false, false],
  );
  t.is(clock.nextFrame(), undefined, 'no acquisition left scheduled');
  await fleet.close();
});

test("fleet.scope.stream$ with onError 'collect': a board that drops out is reported with its id, the others go on", async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 3, scheduler: clock } });
  const seen: string[] = [];
  const sub = fleet.scope.stream$({ decimation: 64 }, { onError: 'collect' }).subscribe((e) => seen.push(e.status === 'fulfilled' ? e.board : `${e.board} ${(e.error as Error).name}`));
  await clock.advanceBy(acquisitionMs(64) * 1.5);
  await fleet.boards[1]!.close();
  await clock.advanceBy(acquisitionMs(64) * 2);
  sub.unsubscribe();
  t.deepEqual(seen, ['sim:1', 'sim:2', 'sim:3', 'sim:2 ConnectionLostError', 'sim:1', 'sim:3', 'sim:1', 'sim:3']);
  await fleet.close();
});

test('bad settings throw SettingsError at once, before any board starts', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 3, scheduler: clock } });
  t.throws(() => fleet.scope.stream$({ decimation: 3 }), { instanceOf: SettingsError });
  t.throws(() => fleet.scope.single$({ decimation: 3 }), { instanceOf: SettingsError });
  await t.throwsAsync(fleet.scope.single({ decimation: 3 }), { instanceOf: SettingsError });
  await t.throwsAsync(fleet.map(() => 1, { concurrency: 0 }), { instanceOf: SettingsError });
  await t.throwsAsync(fleet.map(() => 1, { timeoutMs: -5 }), { instanceOf: SettingsError });
  t.deepEqual(
    fleet.boards.map((b) => b.driver.scopeRunning),
    [false, false, false],
  );
  t.is(clock.nextFrame(), undefined);
  await t.throwsAsync(connectMany({ sim: { count: -1 } }), { instanceOf: SettingsError });
  await t.throwsAsync(connectMany({ sim: { count: 2.5 } }), { instanceOf: SettingsError });
  await t.throwsAsync(connectMany(42 as never), { instanceOf: SettingsError });
  await t.throwsAsync(connectMany([], { timeoutMs: 0 }), { instanceOf: SettingsError });
  await fleet.close();
});

test('AbortSignal in fleet.map: rejects, and every board stops', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 3, scheduler: clock } });
  const controller = new AbortController();
  clock.schedule(() => controller.abort('enough'), acquisitionMs(8192) / 2);
  await t.throwsAsync(clock.run(fleet.map((rp) => rp.scope.single$({ decimation: 8192 }), { signal: controller.signal })), { name: 'AbortedError' });
  t.deepEqual(
    fleet.boards.map((b) => b.driver.scopeRunning),
    [false, false, false],
  );
  t.is(clock.nextFrame(), undefined);
  await fleet.close();
});

test('close() closes every board even when one fails to close, then reports that board', async (t) => {
  const clock = new VirtualClock();
  const drivers = [1, 2, 3].map((seed) => createSimBoard({ seed, scheduler: clock }));
  const stuck = new Error('close timed out');
  drivers[1]!.close = () => Promise.reject(stuck); // this board's transport cannot close
  const fleet = await connectMany(drivers.map((driver) => ({ driver })));
  const err = await t.throwsAsync(fleet.close(), { instanceOf: MapErrors });
  t.deepEqual(
    err!.failures.map((f) => [f.item, f.index, f.error]),
    [['sim:2', 1, stuck]],
  );
  t.deepEqual(
    err!.successes.map((s) => s.item),
    ['sim:1', 'sim:3'],
  );
  t.deepEqual(
    fleet.boards.map((b) => b.isClosed),
    [true, true, true],
  );
  await t.throwsAsync(fleet.boards[0]!.scope.single({ decimation: 64 }), { instanceOf: ConnectionLostError });
  t.is(await t.throwsAsync(fleet.close()), err, 'idempotent: the same outcome');
});

test("connectMany 'collect': bad targets are reported per target, the fleet holds the others in order", async (t) => {
  const clock = new VirtualClock();
  const targets = [...simTargets({ count: 2, scheduler: clock }), 'bogus://nowhere', { sim: { seed: 7, scheduler: clock } }, { sim: { seed: 1.5 } }];
  const fleet = await connectMany(targets, { onError: 'collect' });
  t.deepEqual(fleet.ids, ['sim:1', 'sim:2', 'sim:7']);
  t.deepEqual(
    fleet.failures.map((f) => [f.target, f.index, (f.error as SettingsError).setting]),
    [
      ['bogus://nowhere', 2, 'target'],
      ['sim:1.5', 4, 'seed'],
    ],
  );
  await fleet.close();
});

test("connectMany 'stop' (default): rejects with the target's error, and closes the boards that had connected", async (t) => {
  const clock = new VirtualClock();
  const drivers = [1, 2, 3].map((seed) => createSimBoard({ seed, scheduler: clock }));
  let closed = 0;
  for (const d of drivers) {
    const close = d.close.bind(d);
    d.close = () => (closed++, close());
  }
  const err = await t.throwsAsync(connectMany([{ driver: drivers[0]! }, { driver: drivers[1]! }, 'bogus://', { driver: drivers[2]! }]), { instanceOf: SettingsError });
  t.is(err!.setting, 'target');
  await clock.advanceBy(0); // late arrivals are closed asynchronously
  t.is(closed, 3, 'no board left open');
});

test('a Fleet can be built from boards already open, and an empty fleet works', async (t) => {
  const clock = new VirtualClock();
  const fleet = new Fleet([await connect({ sim: { seed: 3, scheduler: clock } })]);
  t.deepEqual(fleet.ids, ['sim:3']);
  const empty = await connectMany([]);
  t.deepEqual(await empty.scope.single(), []);
  t.deepEqual(await empty.map(() => NEVER), []);
  await empty.close();
  await fleet.close();
});

test('fleet.na and fleet.specan: tagged per board, each board measuring its own device', async (t) => {
  const clock = new VirtualClock();
  const f0s = [0.9e6, 1.0e6, 1.1e6];
  const fleet = await connectMany(f0s.map((f0, i) => ({ sim: { seed: i + 1, scheduler: clock, dut: resonator({ f0, q: 30, gain: 1 }) } })));
  const step = 20e3;
  const responses = await clock.run(fleet.na.single({ start: 0.8e6, stop: 1.2e6, points: 21, rbw: 1e4, logscale: false, amplitude: 0.1 }));
  t.deepEqual(
    responses.map((r) => r.board),
    fleet.ids,
  );
  responses.forEach((r, i) => {
    const m = r.value.magnitude();
    const k = m.indexOf(Math.max(...m));
    // The grid point nearest f0 has the largest |H| (|H| falls monotonically away from f0): the
    // peak is on f0 to within half a step, and here f0 lies on the grid.
    t.true(Math.abs(r.value.frequencies[k]! - f0s[i]!) <= step / 2, `${r.board}: peak at ${r.value.frequencies[k]} Hz, f0 ${f0s[i]} Hz`);
  });
  const spectra = await clock.run(fleet.specan.single({ decimation: 64 }));
  t.deepEqual(
    spectra.map((s) => [s.board, s.status]),
    fleet.ids.map((id) => [id, 'fulfilled']),
  );
  await fleet.close();
});

test('fleet.map$: one event per board as it finishes, with the progress so far', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany({ sim: { count: 3, scheduler: clock } });
  // Board i acquires at decimation 256 / 2^i: the last board is the fastest, so it finishes first.
  const events = await clock.run(lastValueFrom(fleet.map$((rp, i) => rp.scope.single$({ decimation: 256 >> i })).pipe(toArray())));
  t.deepEqual(
    events.map((e) => [e.board, e.progress.done, e.progress.total, e.progress.failed]),
    [
      ['sim:3', 1, 3, 0],
      ['sim:2', 2, 3, 0],
      ['sim:1', 3, 3, 0],
    ],
  );
  t.true(Math.abs(clock.now() - acquisitionMs(256)) < EPS_MS);
  await fleet.close();
});

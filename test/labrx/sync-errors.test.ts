import test from 'ava';
import { connectSync, ConnectionLostError, LabrxError, ScpiError, SettingsError, TimeoutError } from 'labrx';
import type * as Procedures from './sync.procedures.js';

const procedures = new URL('./sync.procedures.ts', import.meta.url);
const ENGINE_MARK = '--- in the labrx engine thread ---';

/** Runs `fn`, returning what it threw and how long it took (ms, wall clock). */
function thrown(fn: () => unknown): { error: unknown; ms: number } {
  const t0 = performance.now();
  try {
    fn();
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
  throw new Error('expected a throw');
}

test('bad settings throw SettingsError with its fields and both stacks, and change nothing', (t) => {
  const rps = connectSync({ sim: { seed: 1, virtualTime: true } });
  t.teardown(() => rps.close());
  const before = rps.asg0.set({ frequency: 1e3, amplitude: 0.2, output: 'out1' });
  const { error } = thrown(() => rps.scope.single({ decimation: 3 }));
  t.true(error instanceof SettingsError);
  const e = error as SettingsError;
  t.like(e, { instrument: 'scope', setting: 'decimation', value: 3, allowed: 'a power of 2 from 1 to 65536', code: 'SettingsError', name: 'SettingsError' });
  t.true(e instanceof LabrxError && e instanceof Error);
  const [caller, engine] = e.stack!.split(ENGINE_MARK);
  t.regex(caller!, /sync-errors\.test\.ts/, 'the caller part names the test file');
  t.regex(engine!, /scopeSettings\.ts/, 'the engine part shows where the setting was rejected');

  const bad = thrown(() => rps.asg0.set({ frequency: -5 })).error as SettingsError;
  t.like(bad, { instrument: 'asg0', setting: 'frequency', value: -5 });
  t.deepEqual(rps.asg0.settings, before, 'all or nothing: the generator is as it was');
  t.deepEqual(rps.scope.state, { state: 'idle', holder: null });
});

test('arguments that cannot cross threads throw SettingsError in the caller, and the link stays usable', (t) => {
  const rps = connectSync({ sim: { seed: 1, virtualTime: true } });
  t.teardown(() => rps.close());
  const { error } = thrown(() => rps.scope.setDefaults({ decimation: 8, trigger: (() => 'immediate') as never }));
  t.true(error instanceof SettingsError);
  t.like(error as SettingsError, { instrument: 'scope.setDefaults', setting: 'arguments' });
  // an AbortSignal would clone to an empty object and silently do nothing: refused by name
  const signal = thrown(() => rps.scope.single({}, { signal: new AbortController().signal })).error;
  t.like(signal as SettingsError, { instrument: 'scope.single', setting: 'signal' });
  t.is(rps.scope.single({ decimation: 1 }).ch1.length, 16384);
});

test('a procedure that throws: the same class and fields reach the caller', (t) => {
  const rps = connectSync<typeof Procedures>({ sim: { seed: 1, virtualTime: true }, procedures });
  t.teardown(() => rps.close());
  const scpi = thrown(() => rps.call('failScpi')).error;
  t.true(scpi instanceof ScpiError);
  t.like(scpi as ScpiError, { scpiCode: -113, text: 'Undefined header', command: 'ACQ:FOO' });
  t.regex((scpi as Error).stack!, /sync\.procedures\.ts/);

  const range = thrown(() => rps.call('failRange', 'out of range')).error as RangeError;
  t.true(range instanceof RangeError);
  t.is(range.message, 'out of range');
  t.is((range.cause as Error).message, 'underneath');

  const settings = thrown(() => rps.call('badScope')).error;
  t.true(settings instanceof SettingsError, 'a board error inside a procedure keeps its class');

  const unknown = thrown(() => rps.call('nope' as 'echo', 0)).error as SettingsError;
  t.like(unknown, { instrument: 'call', setting: 'procedure', value: 'nope' });

  const unclonable = thrown(() => rps.call('unclonable')).error;
  t.true(unclonable instanceof LabrxError, 'a result that cannot be cloned is an error, not a broken link');
  t.is(rps.call('echo', 42), 42);
});

test('a call that never returns ends with TimeoutError at its limit; the engine cancels it and stays usable', (t) => {
  const limit = 300;
  const rps = connectSync<typeof Procedures>({ sim: { seed: 1 }, procedures, timeoutMs: limit });
  t.teardown(() => rps.close());
  const { error, ms } = thrown(() => rps.call('never'));
  t.true(error instanceof TimeoutError);
  t.like(error as TimeoutError, { operation: 'call never', timeoutMs: limit });
  // not before the limit; after it by at most the wake-up and a loaded machine's scheduling (1 s)
  t.true(ms >= limit - 1 && ms < limit + 1000, `threw after ${ms} ms`);
  t.is(rps.call('neverAborted'), 1, "the procedure's this.signal aborted");

  // an 8.6 s real-time acquisition under a 300 ms limit: stopped in the engine, not left running
  const slow = thrown(() => rps.scope.single({ decimation: 65536 }));
  t.true(slow.error instanceof TimeoutError);
  t.false(rps.call('scopeRunning'), 'the acquisition was cancelled');
  t.deepEqual(rps.scope.state, { state: 'idle', holder: null });
});

test('an engine crash (an uncaught exception there) reaches the blocked caller as ConnectionLostError, well before the timeout', async (t) => {
  const rps = connectSync<typeof Procedures>({ sim: { seed: 1 }, procedures, timeoutMs: 20_000 });
  t.is(rps.call('crashLater'), 'scheduled');
  const { error, ms } = thrown(() => rps.call('sleep', 2000));
  t.true(error instanceof ConnectionLostError, String(error));
  t.is(((error as ConnectionLostError).cause as Error).message, 'engine bug', 'the cause is the error that killed it');
  t.true(ms < 2000, `after ${ms} ms: the crash notice woke the caller`);
  t.true(thrown(() => rps.scope.single()).error instanceof ConnectionLostError, 'every later call fails at once');
  t.true(rps.isClosed);
  rps.close(); // still fine to call
  await rps.exited;
});

test('an engine that exits outright (process.exit in a procedure) gives ConnectionLostError, not a hang', async (t) => {
  const rps = connectSync<typeof Procedures>({ sim: { seed: 1 }, procedures, timeoutMs: 20_000 });
  const { error, ms } = thrown(() => rps.call('exitEngine'));
  t.true(error instanceof ConnectionLostError, String(error));
  t.true(ms < 5000, `after ${ms} ms`);
  await rps.exited;
});

test.serial('close() ends the worker: later calls throw ConnectionLostError and no handle is left', async (t) => {
  const before = process.getActiveResourcesInfo().sort();
  const rps = connectSync({ sim: { seed: 1 } });
  rps.asg0.set({ frequency: 1e3 });
  rps.close();
  rps.close(); // idempotent
  t.true(rps.isClosed);
  t.true(thrown(() => rps.asg0.settings).error instanceof ConnectionLostError);
  // the engine thread really ends (a 5 s guard, so a leak fails rather than hangs)
  const ended = await Promise.race([rps.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
  t.true(ended, 'the worker exited');
  t.deepEqual(process.getActiveResourcesInfo().sort(), before, 'no worker, port or timer left behind');
});

test('options that cannot be sent to the engine are refused before any thread starts', (t) => {
  const dutObject = { name: 'custom', response: () => ({ re: 1, im: 0 }) };
  const e = thrown(() => connectSync({ sim: { dut: dutObject as never } })).error as SettingsError;
  t.true(e instanceof SettingsError);
  t.like(e, { instrument: 'connectSync', setting: 'sim.dut', value: 'custom' });
  t.regex(e.allowed, /kind: 'resonator'/);
  const q = thrown(() => connectSync({ sim: { dut: { kind: 'resonator', f0: 1e6, q: -1 } } })).error as SettingsError;
  t.like(q, { instrument: 'resonator', setting: 'q', value: -1 });
  t.like(thrown(() => connectSync({ timeoutMs: -1 })).error as SettingsError, { setting: 'timeoutMs' });
  // an engine that fails to open its board reports the error in its class
  const seed = thrown(() => connectSync({ sim: { seed: 1.5 } })).error as SettingsError;
  t.true(seed instanceof SettingsError);
  t.like(seed, { instrument: 'sim', setting: 'seed', value: 1.5 });
});

test('connectSync(options, moreOptions) honours the second argument (procedures, sim fields) instead of dropping it', (t) => {
  const rps = connectSync<typeof Procedures>({ sim: { seed: 3, virtualTime: true } }, { procedures, sim: { noiseDensity: 0 } });
  t.teardown(() => rps.close());
  t.is(rps.call('echo', 42), 42); // before: "unknown procedure" — the procedures were silently ignored
  const twin = connectSync({ sim: { seed: 3, virtualTime: true, noiseDensity: 0 } });
  t.teardown(() => twin.close());
  // sim fields from both arguments are in force: the same seed and noise give the same samples
  t.deepEqual(rps.scope.single({ decimation: 64 }).ch1, twin.scope.single({ decimation: 64 }).ch1);
});

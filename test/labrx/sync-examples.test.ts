import test from 'ava';
import { format } from 'node:util';
import { main as tworoutine, doubleSlowly } from '../../examples/tworoutine.js';
import { main as replStyle } from '../../examples/sync-repl-style.js';
import { connect, connectSync } from 'labrx';

/** Runs `fn` with console.log captured. */
async function captured(fn: () => Promise<void>): Promise<string> {
  const log = console.log;
  const lines: string[] = [];
  console.log = (...args: unknown[]) => void lines.push(format(...args));
  try {
    await fn();
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

test.serial('examples/tworoutine.ts: one doubleSlowly, called sync, async, sync inside async, and composed', async (t) => {
  const out = await captured(() => tworoutine({ quick: true }));
  t.regex(out, /sync {3}doubleSlowly\(1\) = 2/);
  t.regex(out, /async {2}doubleSlowly\(2\) = 4/);
  t.regex(out, /mixed .* = 10/);
  // the 10 ms timer was due during the 100 ms blocking call, yet ran only after it returned
  t.regex(out, /order in this thread: sync call returned → timer/);
  t.regex(out, /composed: sync 20 .* async 20/);
});

test.serial('examples/sync-repl-style.ts: configure, acquire, print without await; the numbers are physical', async (t) => {
  const out = await captured(() => replStyle({ quick: true }));
  // in1/in2 at f0 is the resonator's gain 0.5; noise 1e-7 V/√Hz is ~2e-4 V rms per sample against
  // 0.18 V rms of tone, so the ratio is 0.500 to three decimals
  t.regex(out, /in1\/in2 = 0\.500/);
  t.regex(out, /specan: in1 peak at 1\.000 MHz, 0\.250 Vpk/);
  t.regex(out, /stream: trace 3/);
  t.regex(out, /scope now: .*idle/s);
});

test('the example procedure is an ordinary async function too', async (t) => {
  const rp = await connect({ sim: { seed: 1 } });
  t.is(await doubleSlowly(rp, 21), 42);
  await rp.close();
  const rps = connectSync<typeof import('../../examples/tworoutine.js')>({ procedures: new URL('../../examples/tworoutine.ts', import.meta.url), sim: { virtualTime: true } });
  t.is(rps.call('doubleSlowly', 21), 42);
  rps.close();
});

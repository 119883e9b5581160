/**
 * The main job for now: a tour of the examples on the embedded simulated board.
 * `pnpm start` runs them all; `pnpm examples` (CI) runs them with --quick.
 */
import { main as scopeAveraging } from './scope-averaging.js';
import { main as sleepConcurrency } from './sleep-concurrency.js';
import { main as specanAveraging } from './specan-averaging.js';
import { main as concurrentScopeNa } from './concurrent-scope-na.js';
import { main as resonance } from './resonance.js';
import { main as tworoutine } from './tworoutine.js';
import { main as syncReplStyle } from './sync-repl-style.js';
import { main as asyncMap } from './async-map.js';
import { main as telescopeTuning } from './telescope-tuning.js';
import { main as lockCavity } from './lock-cavity.js';

const quick = process.argv.includes('--quick');
const tour: Array<[string, (o: { quick: boolean }) => Promise<void>]> = [
  ['scope-averaging: a noisy tone averaged 1…64 times', scopeAveraging],
  ['sleep-concurrency: N acquisitions at once take the time of one', sleepConcurrency],
  ['specan-averaging: averaged FFTs of scope traces, the noise floor settling', specanAveraging],
  ['concurrent-scope-na: scope and network analyzer at once (my_coroutine)', concurrentScopeNa],
  ['resonance: f0 and Q of a resonator from NA sweeps', resonance],
  ['tworoutine: one implementation, called sync and async', tworoutine],
  ['sync-repl-style: a script with no await anywhere', syncReplStyle],
  ['async-map: five one-second acquisitions in about one second, sync and async mixed', asyncMap],
  ['telescope-tuning: 256 boards, each swept, tuned to its own resonance', telescopeTuning],
  ['lock-cavity: a PDH lock of a simulated cavity, stage by stage, and a kick relocked', lockCavity],
];
for (const [title, run] of tour) {
  console.log(`\n== ${title}`);
  await run({ quick });
}

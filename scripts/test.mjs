// `pnpm test [ava args]`: runs AVA twice — all tests in parallel, then the real-time tests alone
// (ava.realtime.config.mjs) — passing the same arguments (e.g. --tap) to both. Exits non-zero if
// either run fails.
//
// Each run has a hard limit (LABRX_TEST_PHASE_LIMIT_S overrides both): past it the run's whole
// process group (AVA, its workers and anything they started) is killed and a failing TAP line says
// so. AVA's own inactivity timeout names the pending tests, but it can miss a hang (see
// docs/decisions/0026-test-watchdog.md); this limit is what keeps CI from waiting forever.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// AVA's package exports do not expose its CLI; the root's node_modules has it (pnpm links it there).
const ava = fileURLToPath(new URL('../node_modules/ava/entrypoints/cli.mjs', import.meta.url));
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
const override = Number(process.env.LABRX_TEST_PHASE_LIMIT_S);
/** The signal that stopped the run from outside, if any. */
let interrupted = null;
const phases = [
  { name: 'parallel', config: [], limitS: 20 * 60 },
  { name: 'real-time', config: ['--config', 'ava.realtime.config.mjs'], limitS: 5 * 60 },
];

/** Runs one AVA phase in its own process group; resolves its exit status (1 after the limit). */
function runPhase({ name, config, limitS }) {
  const limitMs = (override > 0 ? override : limitS) * 1000;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ava, ...config, ...args], { stdio: 'inherit', detached: true });
    const killGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // a TAP line .ci/count-tap.mjs counts as a failure, then the group goes
      process.stdout.write(`\nnot ok - watchdog: the ${name} test run did not finish within ${limitMs / 1000} s; its processes were killed\n`);
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 5000).unref();
    }, limitMs);
    const forward = (signal) => () => {
      interrupted = signal;
      killGroup(signal);
    };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      // whatever a test left running in the group (a server, a browser) goes with the run
      killGroup('SIGKILL');
      resolve(timedOut ? 1 : (code ?? (signal ? 1 : 0)));
    });
  });
}

let status = 0;
for (const phase of phases) {
  const phaseStatus = await runPhase(phase);
  status ||= phaseStatus;
  // stopped from outside (Ctrl-C, a CI runner's SIGTERM): no further phase
  if (interrupted) process.exit(interrupted === 'SIGINT' ? 130 : 143);
}
process.exit(status);

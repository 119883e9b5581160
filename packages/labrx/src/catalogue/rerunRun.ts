import { VirtualClock } from '@labrx/core/testing';
import type { CatalogueRun } from '@labrx/catalogue';
import { createSimBoard, dutOrPlantFromSpec } from '@labrx/hw-sim';
import { Board } from '@labrx/instruments';
import { SettingsError, type FrequencyResponse, type Spectrum, type Trace } from '@labrx/core';

/** What `rerunRun` found. */
export interface RerunReport {
  /** True when every array of the rerun equals the catalogued one bit for bit, and so do its scalars. */
  readonly identical: boolean;
  /** The arrays compared, with how many samples differ and the largest difference (same unit as the array). */
  readonly arrays: readonly { readonly name: string; readonly differing: number; readonly maxAbsDiff: number }[];
  /** Why bit identity is not to be expected, when the provenance shows it (empty otherwise). */
  readonly caveats: readonly string[];
  /** The rerun's result. */
  readonly result: Trace | Spectrum | FrequencyResponse;
}

/**
 * Runs a catalogued simulated acquisition again on a fresh simulated board (same seed, noise,
 * device under test, tones), in virtual time: the generators get the snapshot's settings at board
 * time 0, then the instrument that made the run takes one result with the run's settings.
 *
 * The simulator draws noise per acquisition (numbered from 1 on each board) and computes signals
 * from board time, so the rerun is bit-identical exactly when the original was the first
 * acquisition(s) on its board (`snapshot.acquisitionsStarted` equals the run's averages), armed at
 * board time 0 with the generators applied at board time 0 — as a script on a `VirtualClock` does
 * that sets the generators and takes one result. Otherwise `caveats` says which condition fails and
 * the arrays show how far apart the results are.
 *
 * @throws SettingsError when the run is a spectrogram, is not from a simulated board or its device under test is not plain data
 */
export async function rerunRun(run: CatalogueRun): Promise<RerunReport> {
  // a spectrogram is rows of a stream: when it started is not in the run, so it cannot be remade
  if (run.kind === 'spectrogram') throw new SettingsError('rerun', 'run', run.id, 'a trace, spectrum or frequency response (a spectrogram of the stream cannot be rerun)');
  const sim = run.snapshot?.sim;
  if (!sim) throw new SettingsError('rerun', 'run', run.id, 'a run saved from a simulated board with its board snapshot');
  if (sim.dut === null && run.snapshot?.sim) throw new SettingsError('rerun', 'dut', null, 'a device under test given as plain data (resonator(), lowpass(), delay(), wire(), chain())');
  const clock = new VirtualClock();
  const rp = new Board(
    createSimBoard({
      seed: sim.seed,
      noiseDensity: sim.noiseDensity,
      dut: dutOrPlantFromSpec(sim.dut as never, sim.seed), // a plant without a seed took the board's
      tones: sim.tones as never,
      scheduler: clock,
    }),
  );
  try {
    for (const name of ['asg0', 'asg1'] as const) {
      const g = run.snapshot?.generators[name];
      // JSON keeps an absent value as null (no arbitrary data), which `set` refuses: leave those out.
      if (g) await rp[name].set(Object.fromEntries(Object.entries(g).filter(([, v]) => v !== null)));
    }
    const settings = run.result.settings as never;
    const result =
      run.kind === 'trace'
        ? await clock.run(rp.scope.single(settings))
        : run.kind === 'spectrum'
          ? await clock.run(rp.specan.single(settings))
          : await clock.run(rp.na.single(settings));
    const names = run.kind === 'frequency-response' ? ['frequencies', 're', 'im'] : run.kind === 'spectrum' ? ['frequencies', 'ch1', 'ch2'] : ['ch1', 'ch2'];
    const arrays = names.map((name) => compare(name, (run.result as unknown as Record<string, Float64Array>)[name]!, (result as unknown as Record<string, Float64Array>)[name]!));
    const caveats: string[] = [];
    const averages = (run.result as { averages?: number }).averages ?? 1;
    const started = run.snapshot?.acquisitionsStarted;
    if (run.kind === 'trace' && started !== undefined && started !== averages) caveats.push(`the run was not the first acquisition on its board (${started} acquisitions had started, the run averaged ${averages})`);
    if (run.kind === 'trace' && (run.result).timestamp !== (result as Trace).timestamp) {
      caveats.push(`the original triggered at board clock ${(run.result).timestamp} ms, the rerun at ${(result as Trace).timestamp} ms (armed at another board time)`);
    }
    const scalarsEqual = run.kind !== 'trace' || ((run.result).dt === (result as Trace).dt && (run.result).t0 === (result as Trace).t0);
    return { identical: scalarsEqual && arrays.every((a) => a.differing === 0), arrays, caveats, result };
  } finally {
    await rp.close();
  }
}

function compare(name: string, a: Float64Array, b: Float64Array): { name: string; differing: number; maxAbsDiff: number } {
  if (a.length !== b.length) return { name, differing: Math.max(a.length, b.length), maxAbsDiff: Infinity };
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  let differing = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i]) {
      differing++;
      const d = Math.abs(a[i]! - b[i]!);
      maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
    }
  }
  return { name, differing, maxAbsDiff };
}

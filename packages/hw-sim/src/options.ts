import { checkKnownKeys, preciseScheduler, SettingsError } from '@labrx/core';
import type { SchedulerLike } from 'rxjs';
import type { Dut } from './dut/Dut.js';
import type { Plant } from './plant/Plant.js';
import { isPlant } from './plant/isPlant.js';
import { wire } from './dut/wire.js';
import type { ExternalTone } from './signal/SignalModel.js';

/** How to build a simulated board. Every field is optional. */
export interface SimBoardOptions {
  /** PRNG seed, an integer (default 1): the same seed and the same calls give the same samples. */
  seed?: number;
  /**
   * Device under test between out1 and in1 (default: a wire, H = 1): a linear `Dut` (its transfer
   * function), or a `Plant` (a cavity, an interferometer: stepped in time by the closed loop, which
   * then always runs; see docs/architecture.md, "Closed loop"). A PID or IQ module routed to out1
   * closes the loop through a linear DUT too.
   */
  dut?: Dut | Plant;
  /**
   * FPGA cycles per closed-loop step, a power of two 1…1024 (default 64: 1.953 MHz). See
   * docs/decisions/0018-closed-loop-rate.md for the error against the FPGA's full rate.
   */
  loopDecimation?: number;
  /** White noise on each input in V/√Hz over 0…62.5 MHz (default 1e-7; 0 = none). */
  noiseDensity?: number;
  /** Extra sine tones added at an input. */
  tones?: ExternalTone[];
  /** A square wave on the external trigger input at this rate (Hz); null or absent: ext never fires. */
  extTrigger?: { frequency: number } | null;
  /**
   * The clock every delay runs on; tests pass a VirtualClock. Default `preciseScheduler` from
   * @labrx/core: delays within ~5 µs (median) of the hardware's time, where `asyncScheduler` rounds
   * to whole milliseconds (a 131 µs acquisition would take 1 ms); see docs/decisions/0004.
   */
  scheduler?: SchedulerLike;
  /** The board's name (default `sim:${seed}`). */
  id?: string;
}

/**
 * Every option name of `SimBoardOptions` (the compiler checks the list is complete): a name not
 * listed, e.g. a misspelt `sead`, is refused with `SettingsError` instead of silently ignored.
 */
const SIM_BOARD_OPTIONS = { seed: true, dut: true, noiseDensity: true, tones: true, extTrigger: true, scheduler: true, id: true, loopDecimation: true } as const satisfies Record<keyof SimBoardOptions, true>;
/** The option names `createSimBoard` knows. */
export const SIM_BOARD_OPTION_NAMES: readonly (keyof SimBoardOptions)[] = Object.keys(SIM_BOARD_OPTIONS) as (keyof SimBoardOptions)[];

/** SimBoardOptions with every default filled in (what `SimBoard.options` shows). */
export interface ResolvedSimBoardOptions {
  readonly seed: number;
  /** The linear DUT (a wire when `plant` is given). */
  readonly dut: Dut;
  /** The plant given as `dut`, or null for a linear DUT. */
  readonly plant: Plant | null;
  /** FPGA cycles per closed-loop step. */
  readonly loopDecimation: number;
  /** V/√Hz */
  readonly noiseDensity: number;
  readonly tones: readonly ExternalTone[];
  readonly extTrigger: { readonly frequency: number } | null;
  readonly scheduler: SchedulerLike;
  readonly id: string;
}

/** Validates simulator options and fills in the defaults, or throws `SettingsError` naming the option. */
export function resolveSimBoardOptions(options: SimBoardOptions = {}): ResolvedSimBoardOptions {
  const bad = (setting: string, value: unknown, allowed: string) => new SettingsError('sim', setting, value, allowed);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw bad('(options)', options, 'an object of simulator options');
  checkKnownKeys('sim', options, SIM_BOARD_OPTION_NAMES);
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw bad('seed', seed, 'an integer');
  const given = options.dut ?? wire();
  const plantGiven = isPlant(given);
  if (!plantGiven && (typeof given !== 'object' || given === null || typeof (given).response !== 'function')) {
    throw bad('dut', given, 'a Dut (resonator(), lowpass(), delay(), wire(), chain(), or { name, response(f) }) or a Plant ({ name, spec, step(), state() })');
  }
  const plant = plantGiven ? given : null;
  const dut = plantGiven ? wire() : (given);
  const loopDecimation = options.loopDecimation ?? 64;
  if (!(Number.isInteger(loopDecimation) && loopDecimation >= 1 && loopDecimation <= 1024 && (loopDecimation & (loopDecimation - 1)) === 0)) {
    throw bad('loopDecimation', loopDecimation, 'a power of two from 1 to 1024 (FPGA cycles per loop step)');
  }
  const noiseDensity = options.noiseDensity ?? 1e-7;
  if (!(Number.isFinite(noiseDensity) && noiseDensity >= 0)) throw bad('noiseDensity', noiseDensity, 'a noise density of 0 V/√Hz or more');
  const tones = (options.tones ?? []).map((tone, i) => {
    if (tone.input !== 'in1' && tone.input !== 'in2') throw bad(`tones[${i}].input`, tone.input, "'in1' or 'in2'");
    if (!(Number.isFinite(tone.frequency) && tone.frequency >= 0)) throw bad(`tones[${i}].frequency`, tone.frequency, 'a frequency of 0 Hz or more');
    if (!(Number.isFinite(tone.amplitude) && tone.amplitude >= 0)) throw bad(`tones[${i}].amplitude`, tone.amplitude, 'an amplitude of 0 V or more');
    const phase = tone.phase ?? 0;
    if (!Number.isFinite(phase)) throw bad(`tones[${i}].phase`, phase, 'a finite phase (deg)');
    return Object.freeze({ input: tone.input, frequency: tone.frequency, amplitude: tone.amplitude, phase });
  });
  const ext = options.extTrigger ?? null;
  if (ext !== null && !(typeof ext === 'object' && Number.isFinite(ext.frequency) && ext.frequency > 0)) {
    throw bad('extTrigger', ext, 'null or { frequency } with a frequency above 0 Hz');
  }
  const scheduler = options.scheduler ?? preciseScheduler;
  const id = options.id ?? `sim:${seed}`;
  if (typeof id !== 'string') throw bad('id', id, 'a string');
  return Object.freeze({
    seed,
    dut,
    plant,
    loopDecimation,
    noiseDensity,
    tones: Object.freeze(tones),
    extTrigger: ext === null ? null : Object.freeze({ frequency: ext.frequency }),
    scheduler,
    id,
  });
}

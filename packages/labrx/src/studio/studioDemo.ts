import type { AsgSettings, NaSettings, ScopeSettings, SpecanSettings } from '@labrx/core';

/**
 * What the studio shows when it opens on the simulator: a generator driving the device under test,
 * the scope running on a trigger, the spectrum analyzer running and the network analyzer's sweep
 * of the device. The page needs no click to show something alive.
 */
export interface StudioDemo {
  /** Generator settings applied once when the studio starts. */
  readonly asg0?: AsgSettings;
  readonly asg1?: AsgSettings;
  /** Scope settings; the scope runs continuously on every page that connects. */
  readonly scope?: ScopeSettings;
  /** Spectrum analyzer settings; it runs continuously on every page. */
  readonly specan?: SpecanSettings;
  /** Network analyzer settings: one sweep when the studio starts, shown on every page. */
  readonly na?: NaSettings;
  /** The scope's initial time window in seconds ([from, to] since the trigger), or the whole trace. */
  readonly scopeWindowS?: readonly [number, number];
  /** One line saying what is wired to what, shown at the top of the page. */
  readonly wiring: string;
}

/**
 * The demonstration of `labrx studio` / `pnpm start` on the simulator's 1 MHz resonator
 * (f0 = 1 MHz, Q = 20, gain 0.5 at f0): a 950 kHz sine of 0.5 V on out1 (5 % below resonance:
 * |H| ≈ 0.22, phase ≈ +64°), the scope triggered on in2's rising zero crossing and showing ±4 µs
 * around it at full resolution, the spectrum analyzer in dBm over 0 … 1.95 MHz, and one NA sweep
 * of 201 points from 0.5 to 2 MHz.
 */
export const SIM_DEMO: StudioDemo = {
  asg0: { waveform: 'sine', frequency: 950e3, amplitude: 0.5, offset: 0, output: 'out1' },
  scope: { decimation: 1, trigger: 'ch2-rising', threshold: 0 },
  scopeWindowS: [-4e-6, 4e-6],
  specan: { decimation: 32, unit: 'dBm', window: 'hann' },
  na: { start: 5e5, stop: 2e6, points: 201, logscale: true, rbw: 1000, amplitude: 0.1 },
  wiring: 'asg0 (out1, 950 kHz sine, 0.5 V) → device under test (resonator, f0 = 1 MHz, Q = 20) → in1 = ch1 · out1 → in2 = ch2 (reference)',
};

import type { Complex } from '@labrx/core';

/**
 * The optics of a lossless two-mirror Fabry–Perot cavity: its complex field reflection coefficient
 * F and its power transmission against the laser's detuning from the nearest resonance (the Airy
 * functions). Pure arithmetic, no state; the plant (`fabryPerot`) adds the piezo, the modulation,
 * the noise and the time response.
 *
 * With amplitude reflectivities r1 (input) and r2 (output), g = r1·r2 and φ = 2π·Δ/FSR for a laser
 * Δ Hz above a resonance:
 *
 *   F(Δ) = (−r1 + r2·e^{iφ}) / (1 − g·e^{iφ})          (Black, Am. J. Phys. 69, 79 (2001), eq. 3 for r1 = r2)
 *   T(Δ) = (1 − r1²)(1 − r2²) / ((1 − g)² + 4g·sin²(φ/2)),   |F|² + T = 1.
 *
 * The finesse is taken as exactly FSR / FWHM (so the linewidth is exactly fsr/finesse and T is
 * exactly half its peak at ±linewidth/2): T = T_max/2 where sin(φ/2) = (1 − g)/(2√g), i.e.
 * √g = √(s² + 1) − s with s = sin(π/(2·finesse)). This differs from π√g/(1 − g) by a relative
 * (π/finesse)²/24, below 1e-6 for a finesse above 300.
 */
export interface AiryCavity {
  /** Free spectral range (Hz). */
  readonly fsrHz: number;
  /** Finesse = FSR / FWHM linewidth (dimensionless). */
  readonly finesse: number;
  /** FWHM linewidth of the transmission peak, fsr/finesse (Hz). */
  readonly linewidthHz: number;
  /** Amplitude reflectivity of the input and the output mirror (0…1). */
  readonly r1: number;
  readonly r2: number;
  /** Round-trip phase per Hz of detuning, 2π/FSR (rad/Hz). */
  readonly phasePerHz: number;
  /** Writes F(Δ) (dimensionless complex field ratio, reflected/incident) for a laser `laserMinusResonanceHz` above resonance into `out`. */
  reflection(laserMinusResonanceHz: number, out: Complex): void;
  /** F from cos φ and sin φ of the round-trip phase φ = 2πΔ/FSR (for callers that step φ by angle addition instead of calling sin and cos). */
  reflectionAtPhase(cosPhi: number, sinPhi: number, out: Complex): void;
  /** |F(Δ)|², the reflected fraction of the power (0…1). */
  reflectedPower(laserMinusResonanceHz: number): number;
  /** T(Δ), the transmitted fraction of the power (0…1; 1 at resonance for matched mirrors). */
  transmittedPower(laserMinusResonanceHz: number): number;
}

/**
 * The round-trip amplitude factor g = r1·r2 of a lossless cavity of the given finesse
 * (finesse = FSR / FWHM exactly, see `AiryCavity`). `finesse` must be above 1.
 */
export function roundTripAmplitude(finesse: number): number {
  const s = Math.sin(Math.PI / (2 * finesse));
  const x = Math.sqrt(s * s + 1) - s; // √g
  return x * x;
}

/**
 * An Airy cavity of the given finesse (> 1) and FSR (Hz). `inputMirrorReflectivity` is the input
 * mirror's power reflectivity R1 (default: impedance-matched, R1 = R2 = g, so the reflection
 * vanishes at resonance); it must exceed g² so that the output mirror's R2 = g²/R1 is below 1.
 * Callers validate the numbers (the plant does, with the setting's name).
 */
export function airyCavity(finesse: number, fsrHz: number, inputMirrorReflectivity?: number): AiryCavity {
  const g = roundTripAmplitude(finesse);
  const r1 = inputMirrorReflectivity === undefined ? Math.sqrt(g) : Math.sqrt(inputMirrorReflectivity);
  const r2 = g / r1;
  const tt = (1 - r1 * r1) * (1 - r2 * r2);
  const oneMinusG2 = (1 - g) * (1 - g);
  const k = (2 * Math.PI) / fsrHz;
  return {
    fsrHz,
    finesse,
    linewidthHz: fsrHz / finesse,
    r1,
    r2,
    phasePerHz: k,
    reflection(delta: number, out: Complex) {
      const phi = k * delta;
      this.reflectionAtPhase(Math.cos(phi), Math.sin(phi), out);
    },
    reflectionAtPhase(c: number, s: number, out: Complex) {
      // numerator n = −r1 + r2·e^{iφ}, denominator d = 1 − g·e^{iφ}; F = n·conj(d)/|d|²
      const nr = -r1 + r2 * c;
      const ni = r2 * s;
      const dr = 1 - g * c;
      const di = -g * s;
      const dd = dr * dr + di * di;
      out.re = (nr * dr + ni * di) / dd;
      out.im = (ni * dr - nr * di) / dd;
    },
    reflectedPower(delta: number) {
      return 1 - this.transmittedPower(delta);
    },
    transmittedPower(delta: number) {
      const sh = Math.sin(0.5 * k * delta);
      return tt / (oneMinusG2 + 4 * g * sh * sh);
    },
  };
}

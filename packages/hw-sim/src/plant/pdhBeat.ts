import type { Complex } from '@labrx/core';
import type { AiryCavity } from './AiryCavity.js';

const f0: Complex = { re: 0, im: 0 };
const fp: Complex = { re: 0, im: 0 };
const fm: Complex = { re: 0, im: 0 };

/**
 * The Pound–Drever–Hall beat term χ = F(Δ)·F*(Δ+Ω) − F*(Δ)·F(Δ−Ω) (dimensionless) of a carrier Δ Hz
 * above the cavity's resonance phase-modulated at Ω Hz, written into `out` (Black, Am. J. Phys. 69,
 * 79 (2001), eq. 12). The reflected power then carries
 *
 *   2√(Pc·Ps)·(Re χ·cos Ωt + Im χ·sin Ωt)
 *
 * for a modulation β·sin Ωt, with Pc = J0(β)²·P and Ps = J1(β)²·P. Near the carrier's resonance and
 * for Ω ≫ linewidth δν, Im χ ≈ −4Δ/δν (the error signal) and Re χ ≈ 0.
 */
export function pdhBeat(cavity: AiryCavity, laserMinusResonanceHz: number, modulationHz: number, out: Complex): void {
  cavity.reflection(laserMinusResonanceHz, f0);
  cavity.reflection(laserMinusResonanceHz + modulationHz, fp);
  cavity.reflection(laserMinusResonanceHz - modulationHz, fm);
  pdhBeatOf(f0, fp, fm, out);
}

/**
 * χ = F0·F+* − F0*·F− from the reflection coefficients already evaluated at the carrier (`f0`), the
 * upper (`fp`, Δ+Ω) and the lower sideband (`fm`, Δ−Ω): the arithmetic of `pdhBeat`, for callers
 * that need the F values for the powers too.
 */
export function pdhBeatOf(f0: Complex, fp: Complex, fm: Complex, out: Complex): void {
  const aRe = f0.re * fp.re + f0.im * fp.im;
  const aIm = f0.im * fp.re - f0.re * fp.im;
  const bRe = f0.re * fm.re + f0.im * fm.im;
  const bIm = f0.re * fm.im - f0.im * fm.re;
  out.re = aRe - bRe;
  out.im = aIm - bIm;
}

import besselPkg from 'bessel';

/**
 * Bessel functions of the first kind J0(x) and J1(x) (dimensionless, x in radians of phase
 * modulation depth), from the `bessel` package (absolute error below 1e-8 for |x| ≤ 10).
 * A phase modulation of depth β puts J0(β) of the field amplitude in the carrier and J1(β) in each
 * first-order sideband.
 */
export function besselJ0(x: number): number {
  return x === 0 ? 1 : besselPkg.besselj(x, 0);
}

/** J1(x) (dimensionless); see `besselJ0`. J1(0) = 0 and J1(−x) = −J1(x). */
export function besselJ1(x: number): number {
  return x === 0 ? 0 : besselPkg.besselj(x, 1);
}

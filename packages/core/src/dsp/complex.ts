/** A complex number re + j·im (dimensionless, or in the unit the function using it states). */
export interface Complex {
  re: number;
  im: number;
}

/** a·b for complex numbers. */
export function cmul(a: Readonly<Complex>, b: Readonly<Complex>): Complex {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

/** a/b for complex numbers (b ≠ 0). */
export function cdiv(a: Readonly<Complex>, b: Readonly<Complex>): Complex {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}

/** A frequency (Hz) for names and messages: '1.5 GHz', '500 kHz', '12 Hz' (4 significant digits). */
export function formatHz(hz: number): string {
  const a = Math.abs(hz);
  const [scale, unit] = a >= 1e9 ? [1e9, 'GHz'] : a >= 1e6 ? [1e6, 'MHz'] : a >= 1e3 ? [1e3, 'kHz'] : [1, 'Hz'];
  return `${Number((hz / scale).toPrecision(4))} ${unit}`;
}

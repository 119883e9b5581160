/**
 * The simulator's external trigger input (DIO0_P): a clean square wave of `frequencyHz` when the board
 * was made with `extTrigger: { frequency }`, else never an edge. Both the scope's 'ext-*' triggers and
 * the generators' 'ext-*' triggers read it.
 */

/** The external trigger signal, or null when nothing drives the input. */
export type ExtTriggerModel = { readonly frequency: number } | null;

/**
 * Board time (s) of the first edge of an external square-wave trigger of `frequencyHz` in
 * [fromS, ∞): rising edges at k/frequency, falling edges half a period later.
 */
export function nextExtEdge(frequencyHz: number, rising: boolean, fromS: number): number {
  const shift = rising ? 0 : 0.5;
  const k = Math.ceil(fromS * frequencyHz - shift - 1e-9);
  return Math.max(fromS, (k + shift) / frequencyHz);
}

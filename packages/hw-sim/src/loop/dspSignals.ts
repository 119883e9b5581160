/**
 * The signals of the simulated DSP bus, in the order the loop engine keeps them (bus and history
 * index = position here). 'off' (index −1) reads 0. Names as PyRPL's dsp.py.
 */
export const LOOP_SIGNALS = ['in1', 'in2', 'out1', 'out2', 'pid0', 'pid1', 'pid2', 'iq0', 'iq1', 'iq2', 'asg0', 'asg1', 'iq2_2'] as const;
/** A signal of the simulated DSP bus. */
export type LoopSignal = (typeof LOOP_SIGNALS)[number];

/** Bus index of `name`, −1 for 'off', undefined for an unknown name. */
export function loopSignalIndex(name: string): number | undefined {
  if (name === 'off') return -1;
  const i = (LOOP_SIGNALS as readonly string[]).indexOf(name);
  return i < 0 ? undefined : i;
}

/** Bus indices of the first PID and the first IQ module and the generators. */
export const SIG_IN1 = 0;
export const SIG_IN2 = 1;
export const SIG_OUT1 = 2;
export const SIG_OUT2 = 3;
export const SIG_PID0 = 4;
export const SIG_IQ0 = 7;
export const SIG_ASG0 = 10;
/** iq2's second quadrature (PyRPL's iq2_2: gain·Q, as iq2 is gain·I). */
export const SIG_IQ2_2 = 12;
/** Signals that have a history ring in the kernel's chunk rows: indices 0 … 9 (everything but the generators, whose history is their settings, and iq2_2). */
export const HISTORY_SIGNALS = 10;
/** Ring slots of the history, by bus index: the HISTORY_SIGNALS rows, and iq2_2 at SIG_IQ2_2 (slots 10 and 11, the generators, stay empty). */
export const HISTORY_SLOTS = LOOP_SIGNALS.length;

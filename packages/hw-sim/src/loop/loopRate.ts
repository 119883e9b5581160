/**
 * The closed loop's rate (docs/decisions/0018-closed-loop-rate.md): the simulator computes the DSP
 * chain once every `LOOP_DECIMATION` FPGA cycles, 125 MHz / 64 = 1.953125 MHz (a step of 512 ns),
 * holding each value for the step. The extra sample-and-hold against the FPGA's own 8 ns costs a
 * phase lag of about π·f·(64 − 1)·8 ns (1.8° at 10 kHz, 9° at 50 kHz) in the loop gain.
 */

/** FPGA cycles per loop step (default). */
export const LOOP_DECIMATION = 64;

/** FPGA clock, Hz. */
export const FPGA_CLOCK_HZ = 125e6;

/**
 * Generators and IQ oscillators slower than loopRate / FAST_TONE_DIVISOR are sampled in the loop;
 * faster ones travel as fast tones (complex amplitudes, the envelope model of plant/Plant.ts).
 */
export const FAST_TONE_DIVISOR = 4;

/** Loop steps kept in the history ring: 2^21 (1.07 s at 1.95 MHz). */
export const HISTORY_STEPS = 1 << 21;

import type { FilterStage } from '@labrx/pyrpl';
import { InputFilter } from './InputFilter.js';

/** LSB of a 14-bit DSP signal: 2^13 counts = 1 V. */
export const COUNTS_PER_V = 8192;
/** The integrator register's range in output counts: int_shr is 16 bits (±4 V). */
export const INT_MAX = 32768;

/** A PID block's registers as the FPGA holds them (raw integers, see red_pitaya_pid_block.v). */
export interface PidRegisters {
  /** DSP signal index the PID reads (loop/dspSignals.ts). */
  readonly input: number;
  /** Bit 0: summed into out1, bit 1: into out2. */
  readonly outputDirect: number;
  /** 14-bit counts (2^13 = 1 V). */
  readonly setpoint: number;
  /** 24-bit signed, 2^12 = 1. */
  readonly p: number;
  /** 24-bit signed: the integrator adds error·i / 2^32 counts per FPGA cycle. */
  readonly i: number;
  /** 14-bit counts. */
  readonly min: number;
  readonly max: number;
  /** The input filter's stages switched on. */
  readonly filter: readonly FilterStage[];
  readonly paused: boolean;
}

/**
 * One PID block of PyRPL's FPGA (red_pitaya_pid_block.v): its registers and state. The loop's kernel
 * (LoopEngine.runChunk, inline for speed) steps it once per loop step of `cycles` FPGA cycles with
 * its input held:
 *
 * - input filter: first-order stages y += α·(x − y) per cycle (exactly (1 − α)^cycles per step);
 * - error = filtered input − setpoint (the Verilog's sign: a positive `p` raises the output with the
 *   input, so a plant of positive gain needs negative p and i for negative feedback);
 * - P: ⌊error·p / 2^12⌋ counts (0 while paused);
 * - I: the 48-bit integrator adds error·i / 2^32 counts per cycle (held while paused) and saturates
 *   at ±4 V (int_shr is 16 bits), NOT at the output limits: it winds up beyond min/max as the
 *   FPGA's does; `ival` reads ⌊integrator⌋;
 * - output: P + ⌊I⌋ saturated to 14 bits (±1 V), then clamped to [min, max] (ARBITRARY_SATURATION);
 * - the output uses the integrator before this step's addition (int_shr of int_reg, then int_reg +=).
 */
export class PidBlock {
  regs: PidRegisters;
  /** Integrator in output counts (int_reg / 2^32), kept as a float. */
  integrator = 0;
  /** Output of the last step, counts. */
  out = 0;
  /** The integrator's increment per loop step per count of error: i·cycles / 2^32 (exact: cycles is a power of two). */
  iPerStep = 0;
  readonly filter: InputFilter;

  constructor(
    regs: PidRegisters,
    /** FPGA cycles per loop step. */
    private readonly cycles: number,
  ) {
    this.regs = regs;
    this.filter = new InputFilter(cycles);
    this.filter.configure(regs.filter);
    this.iPerStep = (regs.i * cycles) / 2 ** 32;
  }

  /** New registers; the integrator and filter states stay (as on the FPGA). */
  setRegisters(regs: PidRegisters): void {
    this.regs = regs;
    this.filter.configure(regs.filter);
    this.iPerStep = (regs.i * this.cycles) / 2 ** 32;
  }

  /** Writes the integrator (PyRPL's `ival`): counts, 16-bit signed. */
  setIntegrator(counts: number): void {
    this.integrator = counts;
  }

  /** ⌊integrator⌋ in counts, as the `ival` register reads. */
  get ivalCounts(): number {
    return Math.floor(this.integrator);
  }

  /** True when the PID acts (an output routed, a gain, or a charged integrator). */
  get active(): boolean {
    const r = this.regs;
    return r.outputDirect !== 0 || r.p !== 0 || r.i !== 0 || this.integrator !== 0;
  }

  /** Output in volts. */
  get outV(): number {
    return this.out / COUNTS_PER_V;
  }

  /** Clears the filter state to `xV` (at engine start). */
  resetFilter(xV: number): void {
    this.filter.reset(xV * COUNTS_PER_V);
  }
}

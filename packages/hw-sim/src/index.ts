/**
 * @labrx/hw-sim — a signal-level simulated Red Pitaya 125-14 (`SimBoard`, a `BoardDriver` with
 * scope, two generators and three IQ modules), the DUT models it puts between out1 and in1, and
 * its seeded noise sources.
 */
export { SimBoard, createSimBoard, SIM_BOARD_INFO } from './SimBoard.js';
export type { SimBoardOptions, ResolvedSimBoardOptions } from './options.js';
export { SIM_BOARD_OPTION_NAMES, DEFAULT_DEEP_MEMORY_BYTES, MAX_DEEP_MEMORY_BYTES } from './options.js';
export { captureDeep, DEEP_CHUNK_SAMPLES } from './acquisition/captureDeep.js';
export type { Dut, DutSpec, Complex } from './dut/Dut.js';
export { resonator } from './dut/resonator.js';
export { lowpass } from './dut/lowpass.js';
export { delay } from './dut/delay.js';
export { wire } from './dut/wire.js';
export { chain } from './dut/chain.js';
export { parseDutSpec, DUT_ALLOWED } from './dut/parseDutSpec.js';
export { dutFromSpec, toDutSpec } from './dut/dutFromSpec.js';
export type { ExternalTone, InputComponent } from './signal/SignalModel.js';
export { Xoshiro128 } from './prng/xoshiro128.js';
export { fillGaussian, gaussian } from './prng/gaussian.js';
export { runLabrxSim, startLabrxSim, parseLabrxSimArgs, LABRX_SIM_USAGE, type LabrxSim, type LabrxSimOptions, type LabrxSimIo } from './cli/runLabrxSim.js';

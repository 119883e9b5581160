/**
 * @labrx/hw-sim — a signal-level simulated Red Pitaya 125-14 (`SimBoard`, a `BoardDriver` with
 * scope, two generators and three IQ modules), the DUT models it puts between out1 and in1, and
 * its seeded noise sources.
 */
export { SimBoard, createSimBoard, SIM_BOARD_INFO } from './SimBoard.js';
export type { SimBoardOptions, ResolvedSimBoardOptions } from './options.js';
export { SIM_BOARD_OPTION_NAMES } from './options.js';
export type { Dut, DutSpec, Complex } from './dut/Dut.js';
export { resonator } from './dut/resonator.js';
export { lowpass } from './dut/lowpass.js';
export { delay } from './dut/delay.js';
export { wire } from './dut/wire.js';
export { chain } from './dut/chain.js';
export { parseDutSpec, parseDutOrPlantSpec, DUT_ALLOWED, LINEAR_DUT_ALLOWED } from './dut/parseDutSpec.js';
export { dutFromSpec, toDutSpec } from './dut/dutFromSpec.js';
export { dutOrPlantFromSpec, toDutOrPlantSpec } from './dut/dutOrPlantFromSpec.js';
export type { Plant, PlantDrive, PlantSense, PlantSpecBase, Tone } from './plant/Plant.js';
export type { PlantSpec } from './plant/PlantSpec.js';
export { PLANT_KINDS, isPlantSpec } from './plant/PlantSpec.js';
export { isPlant } from './plant/isPlant.js';
export { fabryPerot, type FabryPerotSpec, type FabryPerotState, type FabryPerotPlant } from './plant/fabryPerot.js';
export { michelson, type MichelsonSpec, type MichelsonState, type MichelsonPlant } from './plant/michelson.js';
export { plantFromSpec } from './plant/plantFromSpec.js';
export { parsePlantSpec, PLANT_ALLOWED } from './plant/parsePlantSpec.js';
export { airyCavity, roundTripAmplitude, type AiryCavity } from './plant/AiryCavity.js';
export { pdhBeat } from './plant/pdhBeat.js';
export type { PlantInput, PlantOutput } from './plant/plantChecks.js';
export type { ExternalTone, InputComponent } from './signal/SignalModel.js';
export { Xoshiro128 } from './prng/xoshiro128.js';
export { fillGaussian, gaussian } from './prng/gaussian.js';
export { runLabrxSim, startLabrxSim, parseLabrxSimArgs, LABRX_SIM_USAGE, type LabrxSim, type LabrxSimOptions, type LabrxSimIo } from './cli/runLabrxSim.js';
export { LinearPlant, type LinearPlantSpec } from './loop/LinearPlant.js';
export { LOOP_SIGNALS, type LoopSignal } from './loop/dspSignals.js';
export { LOOP_DECIMATION } from './loop/loopRate.js';

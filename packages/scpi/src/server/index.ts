/**
 * The Red Pitaya SCPI server over any BoardDriver, and the `labrx-sim` command.
 */
export { startScpiServer, MAX_CLIENT_BYTES, type ScpiServer, type ScpiServerOptions } from './startScpiServer.js';
export { createRedPitayaCommandTable } from './redPitayaCommands.js';
export { ScpiCommandTable, command, control, type ScpiCommand, type ScpiCommandContext, type ScpiReply } from './ScpiCommandTable.js';
export { IDN_2_07, SYSTEM_VERSION } from './systemCommands.js';
export { MAX_LINE_BYTES } from './lineFramer.js';
export { DeepMemoryModel, DEEP_MEMORY_START, MAX_DEEP_READ_SAMPLES } from './DeepMemoryModel.js';
export { DeepGenerationModel } from './DeepGenerationModel.js';

/**
 * @labrx/pyrpl — PyRPL's FPGA register map and monitor_server protocol: a `BoardDriver` for boards
 * running PyRPL's FPGA image (`connectPyrplBoard`, `pyrpl://host:2222`), and a simulated
 * monitor_server over any simulated board (`startPyrplServer`).
 */
export * from './map/fieldCodec.js';
export * from './map/registerMap.js';
export * from './protocol/header.js';
export { ByteQueue } from './protocol/ByteQueue.js';
export { MonitorTransport, type MonitorTransportOptions, type RegisterTrafficTap } from './protocol/MonitorTransport.js';
export { PyrplBoard, connectPyrplBoard, parsePyrplUrl, FpgaImageError, PYRPL_DEFAULT_PORT, type PyrplBoardOptions } from './driver/PyrplBoard.js';
export { asgTable, NOISE_TABLE_RMS } from './driver/asgTable.js';
export { startPyrplServer, MAX_PYRPL_CLIENT_BYTES, type PyrplServer, type PyrplServerOptions } from './server/startPyrplServer.js';
export { tableShape, type TableShape } from './server/tableShape.js';
export { filterCutoffsHz, filterResponse } from './server/filterResponse.js';
export { encodeFilterWord, filterStages, filterMaxShift, type FilterStage } from './map/filterWord.js';
export { IQ_AC_BANDWIDTH_MAX_HZ, acBandwidthOf, acBandwidthWord } from './map/iqInputFilter.js';
export { PyrplPids, PID_NUMERIC_REGISTERS, type RegisterPort } from './driver/PyrplPids.js';
export { pyrplPidLimits, pyrplIqModuleLimits } from './map/moduleLimits.js';
export { PyrplSampler } from './driver/PyrplSampler.js';
export { startPyrplSim, type PyrplSim, type PyrplSimOptions } from './server/startPyrplSim.js';
export { startPyrplReplayServer, type PyrplReplayServerOptions } from './recording/startPyrplReplayServer.js';
export { registerExchanges, describeRegisterRequest, replyBytes, type RegisterExchange } from './recording/registerExchanges.js';

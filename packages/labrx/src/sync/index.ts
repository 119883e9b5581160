/** The blocking face: a board in an engine worker thread, called synchronously. */
export { connectSync, type SyncBoard, type SyncInstruments, type SyncInstrument, type SyncFunction, type Procedure, type ProcedureArgs } from './connectSync.js';
export { SyncStream } from './SyncStream.js';
export { SYNC_FACES, type SyncMember, type SyncInstrumentTable, type SyncInstrumentName } from './syncFaces.js';
export { DEFAULT_SYNC_TIMEOUT_MS, DEFAULT_SPIN_MICROS, type SyncConnectOptions, type SyncSimOptions } from './engineOptions.js';
export { handOver } from './transferables.js';
export type { ProcedureContext } from './ProcedureContext.js';

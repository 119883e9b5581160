/**
 * labrx — lab instruments as RxJS pipelines. `connect()` opens a board (the embedded simulator by
 * default); every instrument offers a stream, an awaited result, a pull iterator.
 */
export { connect, CONNECT_SCHEMES, type ConnectOptions } from './connect.js';
export { Board, Scope, Asg, type InstrumentState, type SingleOptions, type StreamOptions } from '@labrx/instruments';
export * from '@labrx/core';
export { createSimBoard, resonator, lowpass, delay, type SimBoardOptions } from '@labrx/hw-sim';
export * from './fleet/index.js';
export * from './datafiles/index.js';
export { startStudio, type Studio, type StudioOptions } from './studio/index.js';
export {
  connectSync,
  SyncStream,
  SYNC_FACES,
  DEFAULT_SYNC_TIMEOUT_MS,
  dutFromSpec,
  toDutSpec,
  handOver,
  type SyncBoard,
  type SyncInstruments,
  type SyncInstrument,
  type SyncFunction,
  type SyncMember,
  type SyncInstrumentTable,
  type SyncInstrumentName,
  type SyncConnectOptions,
  type SyncSimOptions,
  type DutSpec,
  type Procedure,
  type ProcedureArgs,
  type ProcedureContext,
} from './sync/index.js';
export { startRepl, completeSetting, SETTING_KINDS, type ReplOptions, type LabrxRepl } from './repl/index.js';

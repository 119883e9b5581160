/**
 * labrx — lab instruments as RxJS pipelines. `connect()` opens a board (the embedded simulator by
 * default); every instrument offers a stream, an awaited result, a pull iterator.
 */
export { connect, CONNECT_SCHEMES, type ConnectOptions } from './connect.js';
export { Board, Scope, Asg, type InstrumentState, type SingleOptions, type StreamOptions } from '@labrx/instruments';
export * from '@labrx/core';
export { createSimBoard, resonator, lowpass, delay, type SimBoardOptions } from '@labrx/hw-sim';
export * from './fleet/index.js';

/**
 * Record and replay of SCPI sessions: `ScpiRecorder` taps a transport into a `.labrx-rec` file,
 * `startReplayServer` (and `labrx-sim --replay`) serves it back.
 */
export type { ScpiTrafficTap } from './ScpiTrafficTap.js';
export { ScpiRecorder, readScpiRecording } from './ScpiRecorder.js';
export { parseRecording, scpiExchanges, RecordingFormatError, RECORDING_MAGIC, type ScpiRecording, type ScpiExchange, type ScpiRecordingHeader } from './scpiRecordingFormat.js';
export { ReplayDepartureError } from '@labrx/core';
export { startReplayServer, type ReplayServer, type ReplayServerOptions } from './startReplayServer.js';
export { REPLAY_PACES, checkReplayPace, type ReplayPace } from '@labrx/core/net';

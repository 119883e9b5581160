// Node-only helpers, kept out of the main entry so that it stays free of node:net for browser bundles.
export { listenTcp, type ListenTcpOptions, type TcpListener } from './listenTcp.js';
export { tcpServer, type TcpServer } from './tcpServer.js';
export {
  TrafficRecorder,
  readTrafficRecording,
  parseTrafficRecording,
  RecordingFormatError,
  RECORDING_MAGIC,
  RECORD_SENT,
  RECORD_RECEIVED,
  RECORD_HEAD_BYTES,
  type TrafficRecording,
  type TrafficRecord,
  type TrafficRecordingHeader,
} from './trafficRecording.js';
export { REPLAY_PACES, checkReplayPace, type ReplayPace } from './replayPace.js';
export { ReplyPacer, type ReplySink } from './ReplyPacer.js';

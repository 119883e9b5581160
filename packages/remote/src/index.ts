export { serveBoards, type BoardServer, type BoardServerStats, type ServeBoardsOptions } from './BoardServer.js';
export { RemoteBoardDriver, type RemoteBoardOptions } from './RemoteBoardDriver.js';
export { connectRemoteBoard, type ConnectRemoteOptions } from './connectRemoteBoard.js';
export { BadRequestError } from './BadRequestError.js';
export { localIdentity, holderName, type ClientIdentity } from './ClientIdentity.js';
export { connectNats, natsAuthFromEnv, natsConnectionOptions, parseNatsUrl, hasCredentials, isLoopbackHost, type NatsAuth, type ParsedNatsUrl } from './natsOptions.js';
export { boardSubject, aliveSubject, serverWildcard } from './subjects.js';
export { FRAME, decodeFrame, traceFrame } from './wireFrames.js';
export type { NatsConnection } from 'nats';

/**
 * Test tools for the SCPI protocol: a scripted protocol peer (`expectedProtocol`) that checks a
 * client's bytes, and the server's and client's low-level units (framing, headers, numbers) for
 * unit tests.
 */
export { expectedProtocol, type ExpectedProtocolPeer, type ProtocolPair } from './expectedProtocol.js';
export { compileHeaderPattern } from '../server/headerPattern.js';
export { createLineFramer } from '../server/lineFramer.js';
export { formatF, formatG, formatSampleRate } from '../server/scpiFormat.js';
export { ScpiCommandError } from '../server/scpiErrors.js';
export { ScpiParams, tokenizeParameters } from '../server/scpiParams.js';
export { composeHeader, splitProgramMessage } from '../server/splitProgramMessage.js';

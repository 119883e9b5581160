/**
 * ScpiBoard: a `BoardDriver` for a Red Pitaya or `labrx-sim` over SCPI on TCP.
 */
export { ScpiBoard, connectScpiBoard, parseScpiUrl, SCPI_DEFAULT_PORT, type ScpiBoardOptions } from './ScpiBoard.js';
export { ScpiTransport, type ScpiTransportOptions } from './ScpiTransport.js';
export { ScpiDeepMemory, DEEP_READ_SAMPLES, deepMemorySamplesOf, type DeepMemoryRegion } from './ScpiDeepMemory.js';
export { ScpiResponseParser, MAX_REPLY_BYTES, type ScpiResponse } from './ScpiResponseParser.js';
export { ringWriterCount, type RingCount, type RingCountBounds } from './ringWriterCount.js';

/**
 * Tools for labrx's own tests and for those who extend it: the plot specification behind `--plot`
 * (to check what a plot shows without rendering it) and the table codecs of the data files.
 */
export { plotSpec } from '../datafiles/plotSvg.js';
export { resultToTable, tableToResult, tableToCsv, csvToTable, tableToJson, jsonToTable } from '../datafiles/index.js';
// The studio's wire format and session, to test them without a browser.
export { decodeFrame, FRAME_FLAG_ENVELOPE, FRAME_KIND, type Frame } from '../studio/frames.js';
export { minMaxEnvelope, envelopeStep } from '../studio/minMaxEnvelope.js';
export { traceFrame } from '../studio/resultFrames.js';
export { decodeWaterfallFrame, encodeWaterfallFrame, quantiseDb, dequantiseDb, WATERFALL_FRAME_KIND, WATERFALL_CODE_MAX, WATERFALL_CODE_NONE, WATERFALL_FLAG_RESET, type WaterfallFrame } from '../studio/waterfallFrames.js';
export { WaterfallRows, waterfallColumns } from '../studio/waterfallRows.js';
export { StudioSession, type StudioSessionContext } from '../studio/StudioSession.js';
export { SpectrogramHistory, SPECTROGRAM_HISTORY_MAX_BYTES, type SpectrogramRow } from '../studio/spectrogramHistory.js';
export { parseClientMessage, type ServerMessage } from '../studio/protocol.js';
// The command line, one command at a time, with its input and output injected.
export { buildProgram, parseDut } from '../cli/index.js';
export type { CliIo } from '../cli/commands/instrumentFlags.js';
export { buildScopeCommand } from '../cli/commands/scope.js';
export { buildSpecanCommand } from '../cli/commands/specan.js';
export { buildNaCommand } from '../cli/commands/na.js';
export { buildStudioCommand } from '../cli/commands/studio.js';
export { buildSimCommand } from '../cli/commands/sim.js';
export { buildPidCommand } from '../cli/commands/pid.js';
export { buildIqCommand } from '../cli/commands/iq.js';
export { buildRunsCommand, buildRerunCommand } from '../cli/commands/runs.js';
export { buildServeCommand } from '../cli/commands/serve.js';
export { StudioShows } from '../studio/StudioShows.js';
export { StudioState } from '../studio/studioState.js';
export { measureChannel } from '../studio/traceMeasurements.js';
export { spectrumPeak } from '../studio/spectrumPeak.js';
export { StudioFleet } from '../studio/studioFleet.js';

/**
 * The studio: live scope, spectrum analyzer and network analyzer plots in a local web page.
 */
export { startStudio, MAX_CLIENT_BUFFERED_BYTES, PAGE_TIMEOUT_MS, type Studio, type StudioOptions } from './startStudio.js';
export { StudioSession, STREAM_HIGH_WATER_BYTES, type StudioChannel, type StudioSessionOptions, type StudioSessionContext } from './StudioSession.js';
export { StudioShows, type ShowHandle, type ShowOptions, type ShownEntry, type ShownKind } from './StudioShows.js';
export { SIM_DEMO, type StudioDemo } from './studioDemo.js';
export { measureChannel, type ChannelMeasurements } from './traceMeasurements.js';
export { spectrumPeak, type SpectrumPeak } from './spectrumPeak.js';
export { StudioState, defaultStudioStateDir, type PanelSettings } from './studioState.js';
export { StudioFleet, FLEET_CELL_COLUMNS, type FleetCell } from './studioFleet.js';
export { StudioLockPanel, LOCK_STRIP_SAMPLES, lockPresetConfig, type LockPanelChannel } from './StudioLockPanel.js';
export { FRAME_KIND, FRAME_HEADER_BYTES, FRAME_FLAG_ENVELOPE, allocateFrame, decodeFrame, type Frame, type FrameHeader, type FrameKind } from './frames.js';
export { traceFrame, traceWindow, spectrumFrame, naPointsFrame, naSweepFrame, shownFrame } from './resultFrames.js';
export { minMaxEnvelope, envelopeStep } from './minMaxEnvelope.js';
export { STUDIO_INSTRUMENTS, STUDIO_SETTABLE, STUDIO_MODULES, STUDIO_MODES, errorInfo, parseClientMessage, studioFields, studioModuleFields, type StudioModule, type StudioModuleForm, type ClientMessage, type ServerMessage, type ErrorInfo, type StudioInstrument, type StudioSettable, type StudioMode, STUDIO_PLOTS, STUDIO_EXPORTABLE, STUDIO_STREAMED, STUDIO_EXPORT_FORMATS, STUDIO_LOCK_PRESETS, type StudioLockPreset, type StudioPlot, type StudioExportable, type StudioStreamed, type StudioExportFormat, type StudioFile, type StudioChannelMeasurements } from './protocol.js';
export { newStudioToken, tokenMatches } from './studioToken.js';
export { StudioWaterfall, SHOWN_WATERFALL_ROWS, type WaterfallChannel } from './StudioWaterfall.js';
export { parseWaterfallMessage, type WaterfallClientMessage, type WaterfallServerMessage } from './waterfallProtocol.js';
export { WATERFALL_SETTINGS, WATERFALL_SCALES, resolveWaterfallSettings, waterfallRealtimeSettings, type WaterfallSettings, type ResolvedWaterfallSettings } from './waterfallSettings.js';
export { WaterfallRows, waterfallColumns, columnsDb, rowRange, waterfallDbUnit, WATERFALL_MAX_COLUMNS, WATERFALL_MIN_COLUMNS, WATERFALL_MAX_DB_SPAN, type WaterfallSpectrum, type WaterfallRange } from './waterfallRows.js';
export { WATERFALL_FRAME_KIND, WATERFALL_HEADER_BYTES, WATERFALL_CODE_MAX, WATERFALL_CODE_NONE, WATERFALL_FLAG_RESET, quantiseDb, dequantiseDb, encodeWaterfallFrame, decodeWaterfallFrame, type WaterfallFrame, type WaterfallHeader, type WaterfallRow } from './waterfallFrames.js';

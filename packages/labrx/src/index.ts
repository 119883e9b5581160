/**
 * labrx — lab instruments as RxJS pipelines. `connect()` opens a board (the embedded simulator by
 * default); every instrument offers a stream, an awaited result, a pull iterator, and (through
 * `connectSync`) a blocking call. This is the curated public API: every name is listed on purpose
 * (docs/architecture.md); internals such as schedulers' wakers or DSP kernels stay in their
 * packages (`@labrx/core` and friends) for those who build drivers and operators.
 */

// Opening boards
export { connect, CONNECT_SCHEMES, type ConnectOptions } from './connect.js';
export { connectMany, Fleet, FleetInstrument, simTargets } from './fleet/index.js';
export type {
  ConnectManyOptions,
  FleetTarget,
  FleetFn,
  FleetMapOptions,
  FleetMapPromiseOptions,
  FleetSettings,
  FleetStreamOptions,
  SimFleetOptions,
  FleetFulfilled,
  FleetRejected,
  FleetSettled,
  FleetProgress,
  FleetMapEvent,
  FleetConnectFailure,
} from './fleet/index.js';

// Boards over NATS (docs/decisions/0011-remote-boards.md)
export { serveBoards, connectRemoteBoard, discoverBoards, RemoteBoardDriver, BadRequestError, connectNats } from '@labrx/remote';
export type { BoardServer, BoardServerStats, ServeBoardsOptions, ConnectRemoteOptions, DiscoverOptions, RemoteBoardOptions, NatsAuth, ClientIdentity } from '@labrx/remote';

// The board and its instruments
export { Board, Scope, Asg, Iq, SpectrumAnalyzer, NetworkAnalyzer } from '@labrx/instruments';
export type { InstrumentState, InstrumentActivity, SingleOptions, StreamOptions, SpecanSpectrum, RealtimeSpectrum, NaResponse, NaSweepEvent } from '@labrx/instruments';

// The lockbox (docs/architecture.md, "Lockbox"; docs/decisions/0019-lockbox.md)
export { Lockbox, LockError, LockboxUnavailableError, fabryPerotPdhLock, sideOfFringeLock, michelsonMidFringeLock, resolveLockboxConfig, INPUT_MODELS, SWEEP_WAVEFORMS } from '@labrx/instruments';
export type {
  LockboxConfig,
  ResolvedLockboxConfig,
  LockboxInputSettings,
  LockboxOutputSettings,
  LockboxStageSettings,
  StageOutputSettings,
  LockStatus,
  LockboxState,
  LockEvent,
  LockResult,
  CalibrationEvent,
  InputCalibration,
  InputModel,
  LockboxSignals,
  FabryPerotPdhLockOptions,
  SideOfFringeLockOptions,
  MichelsonMidFringeLockOptions,
} from '@labrx/instruments';

// Results, settings and errors
export { traceTimes, frequencyResponse, SPECTRUM_UNITS, WAVEFORMS, ASG_OUTPUTS, ASG_TRIGGERS, TRIGGER_SOURCES, WINDOW_NAMES, SPECAN_INPUTS, SPECAN_MODES, NA_INPUTS, NA_REFERENCES } from '@labrx/core';
export type {
  Trace,
  Spectrum,
  Spectrogram,
  SpectrumUnit,
  FrequencyResponse,
  ScopeSettings,
  AsgSettings,
  SpecanSettings,
  SpecanMode,
  NaSettings,
  TriggerSource,
  Waveform,
  AsgOutput,
  AsgTrigger,
  WindowName,
  BoardInfo,
  BoardDriver,
  StreamBlock,
  SampleBlock,
  GapBlock,
  StreamSettings,
  StreamOverflowPolicy,
  RealtimeSettings,
  RollingTrace,
} from '@labrx/core';
export { LabrxError, SettingsError, ResourceBusyError, TimeoutError, ConnectionLostError, ScpiError, AbortedError, BufferOverflowError, NoResultError, MapErrors, StreamOverflowError, NotSupportedError } from '@labrx/core';

// Stream tools
export { averageCount, runningAverage, exponentialAverage, traceLens, traceToPowerSpectrum, toSpectrumUnit, once, toAsyncIterable, asyncMap, asyncMap$ } from '@labrx/core';
export type { ArrayLens, OnceOptions, ToAsyncIterableOptions, OverflowPolicy, AsyncMapFn, AsyncMapPromiseOptions, AsyncMapSettled } from '@labrx/core';

// The simulator (the default board) and its devices under test
export { createSimBoard, resonator, lowpass, delay, chain, wire, parseDutSpec } from '@labrx/hw-sim';
export type { SimBoardOptions, Dut, DutSpec } from '@labrx/hw-sim';

// Data files
export { saveResult, loadResult, encodeResult, decodeResult, resultToSvg, savePlotSvg, encodeNpy, decodeNpy, DataFileError, DATA_FORMATS } from './datafiles/index.js';
export type { DataFormat, PlotOptions, SavableResult, SavedFrequencyResponse, LoadedResult, NpyArray } from './datafiles/index.js';

// The run catalogue
export { openRunCatalogue, rerunRun, LABRX_VERSION, type RerunReport } from './catalogue/index.js';
export { recordTo, CatalogueError, boardSnapshot, type Catalogue, type SaveOptions, type FindQuery, type RunSummary, type CatalogueRun, type BoardSnapshot } from '@labrx/catalogue';

// Profiles: every module's settings, saved and restored (docs/decisions/0015-profiles.md)
export { saveProfile, loadProfile } from './profiles/index.js';
export { ProfileError, PROFILE_SCHEMA } from '@labrx/instruments';
export type { BoardProfile, ProfileModule, ProfileProblem } from '@labrx/instruments';

// Notebooks: results drawn in a Jupyter cell (README, "Notebooks")
export { show, showLive, NotebookError, type ShowOptions as NotebookShowOptions, type ShowLiveOptions, type LivePlot, type LivePlotSummary, type NotebookDisplay } from './notebook/index.js';

// Screens
export { startStudio, MAX_CLIENT_BUFFERED_BYTES, PAGE_TIMEOUT_MS, STREAM_HIGH_WATER_BYTES, SIM_DEMO, measureChannel, defaultStudioStateDir, type Studio, type StudioOptions, type StudioDemo, type ShowHandle, type ShowOptions as StudioShowOptions, type ChannelMeasurements } from './studio/index.js';
export { startRepl, completeSetting, SETTING_KINDS, type ReplOptions, type LabrxRepl } from './repl/index.js';

// The blocking face
export {
  connectSync,
  SyncStream,
  SYNC_FACES,
  DEFAULT_SYNC_TIMEOUT_MS,
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
  type Procedure,
  type ProcedureArgs,
  type ProcedureContext,
} from './sync/index.js';

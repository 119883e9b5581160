/**
 * @labrx/instruments — the board and its instruments as RxJS pipelines over any `BoardDriver`.
 */
export { Board } from './Board.js';
export { Scope, type ScopeRoute } from './Scope.js';
export { assembleDeepTrace, type ScopeCaptureEvent, type ScopeCaptureProgress, type ScopeCaptureTrace } from './assembleDeepTrace.js';
export { AcquiringInstrument, leaseOptions, type LeaseRequestOptions } from './AcquiringInstrument.js';
export { Asg } from './Asg.js';
export { LeaseManager, type LeaseHolder, type LeaseOptions, type LeasedWork, type LeaseBody } from './leases/LeaseManager.js';
export { failOnClose } from './failOnClose.js';
export { InstrumentStateTracker, type InstrumentState, type InstrumentActivity } from './InstrumentState.js';
export type { SingleOptions, StreamOptions } from './faces.js';
export { Iq } from './Iq.js';
export { Pid } from './Pid.js';
export { SpectrumAnalyzer, type SpecanSpectrum, type RealtimeSpectrum } from './SpectrumAnalyzer.js';
export { NetworkAnalyzer, softwareDecimation, type NaResponse, type NaPoint, type NaSweepEvent } from './NetworkAnalyzer.js';
export { snapshotBoard, restoreBoard, toPlainSettings, PROFILE_SCHEMA, type BoardProfile, type ProfileModule, type ProfileBoard } from './profile/snapshot.js';
export { ProfileError, type ProfileProblem } from './profile/ProfileError.js';
export { Lockbox, LOCKBOX_OWNER, type LockboxModules } from './lockbox/Lockbox.js';
export { LockError, LockboxUnavailableError } from './lockbox/LockError.js';
export type { LockStatus, LockboxState, LockEvent, LockResult, CalibrationEvent, LockboxSignals } from './lockbox/lockboxEvents.js';
export { INPUT_MODELS, expectedSignal, expectedSlope, lockedWindow, type InputModel, type InputCalibration, type ModelShape } from './lockbox/inputModels.js';
export {
  LOCKBOX_SETTINGS,
  LOCKBOX_INPUT_SETTINGS,
  LOCKBOX_OUTPUT_SETTINGS,
  LOCKBOX_STAGE_SETTINGS,
  LOCKBOX_SIGNALS,
  resolveLockboxConfig,
  plainLockboxConfig,
  type LockboxConfig,
  type LockboxInputSettings,
  type LockboxOutputSettings,
  type LockboxStageSettings,
  type StageOutputSettings,
  type ResolvedLockboxConfig,
  type ResolvedLockboxInput,
  type ResolvedLockboxOutput,
  type ResolvedLockboxStage,
} from './lockbox/lockboxSettings.js';
export { pidGains } from './lockbox/pidGains.js';
export { sweepVoltage, SWEEP_WAVEFORMS, type SweepWaveform, type SweepShape } from './lockbox/sweepVoltage.js';
export { signalStats, locateCenter } from './lockbox/calibrateTrace.js';
export { fabryPerotPdhLock, type FabryPerotPdhLockOptions } from './lockbox/fabryPerotPdhLock.js';
export { sideOfFringeLock, type SideOfFringeLockOptions } from './lockbox/sideOfFringeLock.js';
export { michelsonMidFringeLock, type MichelsonMidFringeLockOptions } from './lockbox/michelsonMidFringeLock.js';

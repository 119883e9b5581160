/**
 * @labrx/instruments — the board and its instruments as RxJS pipelines over any `BoardDriver`.
 */
export { Board } from './Board.js';
export { Scope } from './Scope.js';
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

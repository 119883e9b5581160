export { connectMany, describeTarget, type ConnectManyOptions, type FleetTarget } from './connectMany.js';
export { Fleet, type FleetFn, type FleetMapOptions, type FleetMapPromiseOptions } from './Fleet.js';
export { FleetInstrument, type AcquiringInstrument, type FleetSettings, type FleetStreamOptions } from './FleetInstrument.js';
export { simTargets, type SimFleetOptions } from './simTargets.js';
export type { FleetFulfilled, FleetRejected, FleetSettled, FleetProgress, FleetMapEvent, FleetConnectFailure } from './FleetEntry.js';

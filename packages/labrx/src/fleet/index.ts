export { connectMany, describeTarget, type ConnectManyOptions, type FleetTarget } from './connectMany.js';
export { Fleet } from './Fleet.js';
export type { FleetFn, FleetMapOptions, FleetMapPromiseOptions } from './FleetMapOptions.js';
export { FleetInstrument, type AcquiringInstrument, type FleetSettings, type FleetStreamOptions } from './FleetInstrument.js';
export { simTargets, type SimFleetOptions } from './simTargets.js';
export type { FleetFulfilled, FleetRejected, FleetSettled, FleetProgress, FleetMapEvent, FleetConnectFailure } from './FleetEntry.js';

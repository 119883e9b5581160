export { LabrxError } from './LabrxError.js';
export { FileError } from './FileError.js';
export { SettingsError, formatSettingValue } from './SettingsError.js';
export { ResourceBusyError } from './ResourceBusyError.js';
export { TimeoutError } from './TimeoutError.js';
export { ConnectionLostError } from './ConnectionLostError.js';
export { ScpiError } from './ScpiError.js';
export { AbortedError } from './AbortedError.js';
export { ReplayDepartureError } from './ReplayDepartureError.js';

import { SettingsError } from '../errors/SettingsError.js';

/**
 * Returns `value` if it is an integer ≥ 1, else throws `SettingsError(instrument, setting, …)`.
 * Shared by the averaging operators and the adapters, whose counts and sizes are validated when
 * the operator is created, before anything is subscribed.
 */
export function checkPositiveInteger(value: unknown, instrument: string, setting: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new SettingsError(instrument, setting, value, 'an integer ≥ 1');
  }
  return value;
}

import { SettingsError } from '../errors/SettingsError.js';
import { OVERFLOW_POLICIES, type OverflowPolicy } from './OverflowPolicy.js';

/**
 * Most unread values a pull face may hold (2^20). Its ring buffer allocates one slot per value up
 * front (8 bytes each: 8 MiB at this bound), and far larger sizes are not arrays JavaScript can make
 * (2^32 throws RangeError).
 */
export const MAX_BUFFER_SIZE = 2 ** 20;

/**
 * Checks the options of the awaited and pull faces (`once`, `toAsyncIterable`, an instrument's
 * `single` and `stream`) before anything is subscribed: each bad value throws
 * `SettingsError(operation, option, value, allowed)`. `undefined` means "not given" and passes.
 *
 * A value that is not an AbortSignal would otherwise fail later, inside the running pipeline (a
 * `TypeError` from `addEventListener`), after the work had started and with nobody left to stop it.
 */
export function checkAdapterOptions(
  operation: string,
  options: { readonly signal?: unknown; readonly timeoutMs?: unknown; readonly bufferSize?: unknown; readonly overflow?: unknown; readonly wait?: unknown },
): void {
  const { signal, timeoutMs, bufferSize, overflow, wait } = options;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new SettingsError(operation, 'signal', signal, 'an AbortSignal (for example new AbortController().signal)');
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0)) {
    throw new SettingsError(operation, 'timeoutMs', timeoutMs, 'a number of milliseconds ≥ 0 (or Infinity for none)');
  }
  if (bufferSize !== undefined && !(typeof bufferSize === 'number' && Number.isInteger(bufferSize) && bufferSize >= 1 && bufferSize <= MAX_BUFFER_SIZE)) {
    throw new SettingsError(operation, 'bufferSize', bufferSize, `an integer from 1 to ${MAX_BUFFER_SIZE}`);
  }
  if (overflow !== undefined && !OVERFLOW_POLICIES.includes(overflow as OverflowPolicy)) {
    throw new SettingsError(operation, 'overflow', overflow, `one of ${OVERFLOW_POLICIES.map((p) => `'${p}'`).join(', ')}`);
  }
  if (wait !== undefined && typeof wait !== 'boolean') {
    throw new SettingsError(operation, 'wait', wait, 'true or false');
  }
}

/** An AbortSignal, or anything that behaves as one (a polyfill, another realm's). */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  if (value === null || typeof value !== 'object') return false;
  const s = value as Partial<AbortSignal>;
  return typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function' && typeof s.removeEventListener === 'function';
}

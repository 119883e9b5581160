import { SettingsError } from '../errors/SettingsError.js';

/** In which order results come out: the input's, or as they finish. */
export type AsyncMapOrder = 'input' | 'completion';

/**
 * What an item's error does: `'stop'` fails the whole map with that error (unchanged) and cancels
 * the items still running; `'collect'` reports it as a rejected entry and lets the rest finish.
 */
export type AsyncMapErrorPolicy = 'stop' | 'collect';

/** Options of `asyncMap$` and `asyncMap`. */
export interface AsyncMapOptions {
  /**
   * Most items in flight at once: an integer ≥ 1, or `Infinity` (default) to start every item
   * at once. Items are pulled from the input only when a slot is free.
   */
  readonly concurrency?: number;
  /** `'input'` (default): results in the input's order; `'completion'`: as soon as each finishes. */
  readonly order?: AsyncMapOrder;
  /** `'stop'` (default) or `'collect'`; see {@link AsyncMapErrorPolicy}. */
  readonly onError?: AsyncMapErrorPolicy;
  /** Name used in error messages and abort reasons (default 'asyncMap'; `fleet.map` passes its own). */
  readonly name?: string;
}

/** `AsyncMapOptions` with every default filled in. */
export interface ResolvedAsyncMapOptions {
  readonly concurrency: number;
  readonly order: AsyncMapOrder;
  readonly onError: AsyncMapErrorPolicy;
  readonly name: string;
}

/**
 * Validates `AsyncMapOptions` and fills in the defaults (`concurrency: Infinity`,
 * `order: 'input'`, `onError: 'stop'`).
 *
 * @param options What the caller gave (may be undefined).
 * @returns The resolved options.
 * @throws SettingsError naming the first bad option, its value and what is allowed.
 */
export function resolveAsyncMapOptions(options: AsyncMapOptions = {}): ResolvedAsyncMapOptions {
  const { concurrency = Infinity, order = 'input', onError = 'stop', name = 'asyncMap' } = options;
  const owner = name;
  if (!(concurrency === Infinity || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new SettingsError(owner, 'concurrency', concurrency, 'an integer ≥ 1, or Infinity');
  }
  if (order !== 'input' && order !== 'completion') {
    throw new SettingsError(owner, 'order', order, "'input' or 'completion'");
  }
  if (onError !== 'stop' && onError !== 'collect') {
    throw new SettingsError(owner, 'onError', onError, "'stop' or 'collect'");
  }
  return { concurrency, order, onError, name };
}

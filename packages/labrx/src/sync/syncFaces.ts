import { frequencyResponse, type FrequencyResponse } from '@labrx/core';

/**
 * How one instrument member crosses to the blocking face:
 * - 'result': an async method whose result is new per call (`single`); the typed arrays in the
 *   `owned` fields are transferred (moved, not copied); every other field is cloned;
 * - 'value': a method (sync or async) whose result the engine may keep (`set` and `setDefaults`
 *   return the settings in force): cloned;
 * - 'get': a property read (`settings`, `state`): cloned;
 * - 'stream': a method returning an AsyncIterable (`stream`); the blocking face returns a sync
 *   Iterable. Items may be shared with other pipelines in the engine (shared acquisitions), so their
 *   typed arrays are copied once into fresh buffers, which are then transferred.
 */
export interface SyncMember {
  readonly kind: 'result' | 'value' | 'get' | 'stream';
  /** For 'result': fields holding typed arrays made fresh for this call (safe to detach in the engine). */
  readonly owned?: readonly string[];
  /** Rebuilds the result on the caller side (functions, e.g. `magnitude()`, cannot cross threads). */
  readonly revive?: (value: never) => unknown;
}

/** An instrument's members on the blocking face. */
export type SyncInstrumentTable = Readonly<Record<string, SyncMember>>;

// keeps the other fields (the NA's `averages`) and puts back `magnitude()` and `phaseDeg()`
const reviveResponse = (v: FrequencyResponse): FrequencyResponse => ({ ...v, ...frequencyResponse(v.frequencies, v.re, v.im, v.settings) });

/**
 * Scope-like instruments: `single`, `stream`, `setDefaults`, `settings`, `state`. `ch1`/`ch2` of `single`
 * are fresh per call (the averager's means for the scope, the unit conversion's output for the
 * spectrum analyzer).
 */
const ACQUIRING = {
  single: { kind: 'result', owned: ['ch1', 'ch2'] },
  stream: { kind: 'stream' },
  setDefaults: { kind: 'value' },
  settings: { kind: 'get' },
  state: { kind: 'get' },
} as const satisfies SyncInstrumentTable;

/** Generators: `set`, `trigger`, `settings`. */
const GENERATOR = {
  set: { kind: 'value' },
  trigger: { kind: 'value' },
  settings: { kind: 'get' },
} as const satisfies SyncInstrumentTable;

/**
 * The network analyzer: like the scope, with the `FrequencyResponse` rebuilt on the caller side.
 * `re` and `im` of `single` are the averager's fresh means; `frequencies` is cloned.
 */
const NETWORK_ANALYZER = {
  single: { kind: 'result', owned: ['re', 'im'], revive: reviveResponse },
  stream: { kind: 'stream', revive: reviveResponse },
  setDefaults: { kind: 'value' },
  settings: { kind: 'get' },
  state: { kind: 'get' },
} as const satisfies SyncInstrumentTable;

/**
 * The lockbox: `configure`, `lock`, `calibrate` and `unlock` block until done (a configuration is
 * plain data, so it crosses to the engine as it is); `status`, `config` and `calibration` read;
 * `statuses` is `locked$` as a sync iterable.
 */
const LOCKBOX = {
  configure: { kind: 'value' },
  lock: { kind: 'value' },
  calibrate: { kind: 'value' },
  unlock: { kind: 'value' },
  status: { kind: 'get' },
  config: { kind: 'get' },
  calibration: { kind: 'get' },
  statuses: { kind: 'stream' },
} as const satisfies SyncInstrumentTable;

/**
 * Which instruments of a `Board` the blocking face mirrors, and how. One line per instrument:
 * an instrument listed here but absent from the board (an older driver) is simply left out of the
 * mirror. The spectrum analyzer's `frequencies` is not listed as owned: it may be a grid cached
 * by the engine, so it is cloned.
 */
export const SYNC_FACES = {
  scope: ACQUIRING,
  specan: ACQUIRING,
  na: NETWORK_ANALYZER,
  asg0: GENERATOR,
  asg1: GENERATOR,
  lockbox: LOCKBOX,
} as const satisfies Readonly<Record<string, SyncInstrumentTable>>;

/** Names of the instruments the blocking face knows. */
export type SyncInstrumentName = keyof typeof SYNC_FACES;

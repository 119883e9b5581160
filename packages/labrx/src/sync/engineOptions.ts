import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkKnownKeys, SettingsError } from '@labrx/core';
import { SIM_BOARD_OPTION_NAMES } from '@labrx/hw-sim';
import type { SimBoardOptions } from '@labrx/hw-sim';
import { toDutOrPlantSpec, type DutSpec, type PlantSpec } from '@labrx/hw-sim';

/**
 * Simulator options for the blocking face: those of `connect`, as plain data (they are sent to
 * the engine thread): `dut` is a `DutSpec` or a `PlantSpec`, there is no `scheduler`, and `virtualTime` replaces it.
 */
export interface SyncSimOptions extends Omit<SimBoardOptions, 'dut' | 'scheduler'> {
  /**
   * Device under test as data, e.g. `{ kind: 'resonator', f0: 1e6, q: 20, gain: 0.5 }`, or a plant,
   * e.g. `{ kind: 'fabry-perot', finesse: 3000, fsrHz: 1.5e9 }` (a plant without a seed takes the board's).
   */
  dut?: DutSpec | PlantSpec;
  /**
   * Run the board on a `VirtualClock` in the engine: each blocking call runs to completion in
   * virtual time (an 8.6 s acquisition returns at once), and board time stands still between calls.
   * For tests and batch runs; timeouts given in settings (`timeoutMs`) count virtual milliseconds.
   */
  virtualTime?: boolean;
}

/** Options of `connectSync`. */
export interface SyncConnectOptions {
  /** The embedded simulator's options (ignored for 'scpi://' targets). */
  sim?: SyncSimOptions;
  /**
   * A module of procedures, `export async function tune(board, ...args)`, loaded into the engine
   * and run with `rp.call('tune', ...args)`: a path (relative to the working directory) or a URL
   * (`import.meta.url` works). TypeScript modules load too.
   */
  procedures?: string | URL;
  /**
   * Wall-clock limit of each blocking call in milliseconds (default 30000): a call that has not
   * returned by then throws `TimeoutError` and its work in the engine is cancelled. The engine's
   * start (loading modules, opening the board) may take max(timeoutMs, 60000) ms.
   */
  timeoutMs?: number;
  /**
   * Microseconds the caller polls for a reply before sleeping in `Atomics.wait` (default 50).
   * A quick call's reply then arrives without waking the sleeping thread. Measured (bench/sync,
   * four runs on this 2-core machine): with polling a trivial call took 20–25 µs every time;
   * sleeping at once took 17 µs in one run and 59–69 µs in three (thread wake-ups are slow
   * here most of the time). The calling thread is blocked either way, so polling costs at most
   * this much CPU per call; on a machine with no free core pass 0 to sleep at once.
   */
  spinMicros?: number;
}

/** Every option name of `SyncConnectOptions` (the compiler checks the list is complete); others are refused. */
const SYNC_CONNECT_OPTIONS = { sim: true, procedures: true, timeoutMs: true, spinMicros: true } as const satisfies Record<keyof SyncConnectOptions, true>;
/** Simulator option names of the blocking face: those of `connect`, `virtualTime` instead of `scheduler`. */
const SYNC_SIM_OPTION_NAMES: readonly string[] = [...SIM_BOARD_OPTION_NAMES.filter((n) => n !== 'scheduler'), 'virtualTime'];

/** Default of `spinMicros`: poll this long (µs) before sleeping. */
export const DEFAULT_SPIN_MICROS = 50;

/** What the engine needs, all cloneable. */
export interface EngineOptions {
  readonly sim: SyncSimOptions;
  /** URL of the procedures module, or null. */
  readonly procedures: string | null;
}

/** Default wall-clock limit of a blocking call (ms). */
export const DEFAULT_SYNC_TIMEOUT_MS = 30_000;

/**
 * Checks `connectSync`'s arguments in the caller's thread and turns them into cloneable engine
 * options (a bad option throws `SettingsError` before any thread starts).
 */
export function prepareEngineOptions(target: string | SyncConnectOptions | undefined, options: SyncConnectOptions | undefined): {
  target: string | null;
  engine: EngineOptions;
  timeoutMs: number;
  spinMicros: number;
} {
  if (target !== undefined && typeof target !== 'string' && (typeof target !== 'object' || target === null)) {
    throw new SettingsError('connectSync', 'target', target, "a URL ('sim://…', 'scpi://…') or options { sim, procedures, timeoutMs }");
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new SettingsError('connectSync', 'options', options, 'options { sim, procedures, timeoutMs, spinMicros }');
  }
  // connectSync(url, options) and connectSync(options, moreOptions) both honour every option given:
  // the second argument's options are added to the first's (its `sim` fields to the first's `sim`).
  const opts: SyncConnectOptions = typeof target === 'string' || target === undefined ? (options ?? {}) : mergeConnectOptions(target, options);
  if ('driver' in opts) throw new SettingsError('connectSync', 'driver', '(a driver)', 'no driver: the engine thread opens its own board (pass a URL or sim options)');
  checkKnownKeys('connectSync', opts, Object.keys(SYNC_CONNECT_OPTIONS));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0)) throw new SettingsError('connectSync', 'timeoutMs', timeoutMs, 'a number of milliseconds above 0 (Infinity for none)');
  const spinMicros = opts.spinMicros ?? DEFAULT_SPIN_MICROS;
  if (!(Number.isFinite(spinMicros) && spinMicros >= 0)) throw new SettingsError('connectSync', 'spinMicros', spinMicros, 'a number of microseconds ≥ 0');
  const sim: SyncSimOptions = { ...opts.sim };
  if ('scheduler' in sim) throw new SettingsError('connectSync', 'sim.scheduler', '(a scheduler)', 'no scheduler: pass sim.virtualTime: true for virtual time');
  checkKnownKeys('connectSync', Object.fromEntries(Object.entries(sim).map(([k, v]) => [`sim.${k}`, v])), SYNC_SIM_OPTION_NAMES.map((n) => `sim.${n}`));
  if (sim.dut !== undefined) sim.dut = toDutOrPlantSpec(sim.dut);
  try {
    structuredClone(sim);
  } catch (error) {
    throw new SettingsError('connectSync', 'sim', String((error as Error).message), 'plain data (numbers, strings, arrays, objects): options are sent to the engine thread');
  }
  return { target: typeof target === 'string' ? target : null, engine: { sim, procedures: procedureUrl(opts.procedures) }, timeoutMs, spinMicros };
}

function procedureUrl(p: string | URL | undefined): string | null {
  if (p === undefined) return null;
  if (p instanceof URL) return p.href;
  if (typeof p !== 'string' || p === '') throw new SettingsError('connectSync', 'procedures', p, 'a module path or URL');
  if (/^[a-z][a-z0-9+.-]*:/i.test(p) && !/^[a-z]:[\\/]/i.test(p)) return p; // a URL (file:, data:), not a Windows drive
  return pathToFileURL(isAbsolute(p) ? p : resolve(p)).href;
}

/** `first` with `second`'s options added (a `sim` in both is merged field by field; `second` wins). */
function mergeConnectOptions(first: SyncConnectOptions, second: SyncConnectOptions | undefined): SyncConnectOptions {
  if (second === undefined) return first;
  const merged: SyncConnectOptions = { ...first, ...second };
  return first.sim !== undefined && second.sim !== undefined ? { ...merged, sim: { ...first.sim, ...second.sim } } : merged;
}

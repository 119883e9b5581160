import { checkKnownKeys, SettingsError, type BoardDriver } from '@labrx/core';
import { Board } from '@labrx/instruments';
import { createSimBoard, isPlant, parseDutOrPlantSpec, plantFromSpec, type PlantSpec, type SimBoardOptions } from '@labrx/hw-sim';

/** What `connect` accepts besides a URL. */
export interface ConnectOptions {
  /** Options of the embedded simulated board (seed, dut, noiseDensity, tones, scheduler, …). */
  readonly sim?: SimBoardOptions;
  /** A ready driver to wrap (for custom transports and tests). */
  readonly driver?: BoardDriver;
  /**
   * scpi:// only: record the session's SCPI traffic into this `.labrx-rec` file (closed with the
   * board); `labrx-sim --replay FILE` serves it back to the same script.
   */
  readonly record?: string;
}

/** Every option name of `ConnectOptions` (the compiler checks the list is complete); others are refused. */
const CONNECT_OPTIONS = { sim: true, driver: true, record: true } as const satisfies Record<keyof ConnectOptions, true>;

/** URL schemes `connect` understands. */
export const CONNECT_SCHEMES = ['sim://', 'scpi://', 'pyrpl://', 'nats://'] as const;

/**
 * Opens a board: the embedded simulator (`connect()`, `connect('sim://')`, `connect({ sim: {...} })`),
 * an SCPI server — `labrx-sim` or a real Red Pitaya — (`connect('scpi://127.0.0.1:5000')`), a board
 * running PyRPL's FPGA image and monitor_server, or the simulated one (`connect('pyrpl://host:2222')`),
 * or a board served on NATS by `labrx serve` (`connect('nats://127.0.0.1:4222/lab1/board0')`).
 * `sim://?seed=7&noiseDensity=1e-6` sets simulator options in the URL.
 *
 * @example
 * const rp = await connect({ sim: { seed: 7, dut: resonator({ f0: 1e6, q: 20, gain: 0.5 }) } });
 * const trace = await rp.scope.single({ decimation: 64 });
 * await rp.close();
 */
export async function connect(target: string | ConnectOptions = {}, options: ConnectOptions = {}): Promise<Board> {
  // connect(url, options) and connect(options, moreOptions) both honour every option given: the
  // second argument's are added to the first's (a `sim` in both merged field by field).
  const opts: ConnectOptions =
    typeof target === 'string' ? options : { ...target, ...options, ...(target.sim && options.sim ? { sim: { ...target.sim, ...options.sim } } : {}) };
  if (typeof opts !== 'object' || opts === null) throw new SettingsError('connect', 'options', opts, 'an object: { sim } or { driver }');
  checkKnownKeys('connect', opts, Object.keys(CONNECT_OPTIONS));
  if (opts.record !== undefined && !(typeof target === 'string' && target.startsWith('scpi://'))) {
    throw new SettingsError('connect', 'record', opts.record, "a file name with an 'scpi://' target: recordings are of SCPI traffic");
  }
  if (opts.driver) return new Board(opts.driver);
  if (typeof target !== 'string' || target.startsWith('sim://')) {
    const fromUrl = typeof target === 'string' ? simOptionsFromUrl(target) : {};
    const sim = { ...fromUrl, ...opts.sim };
    // a plant without its own seed takes the board's (default 1), as on every other face
    if (isPlant(sim.dut) && sim.dut.spec.seed === undefined) sim.dut = plantFromSpec(sim.dut.spec as PlantSpec, sim.seed ?? 1);
    return new Board(createSimBoard(sim));
  }
  if (target.startsWith('scpi://')) {
    const { connectScpiBoard, parseScpiUrl } = await import('@labrx/scpi');
    return new Board(await connectScpiBoard(opts.record === undefined ? target : { ...parseScpiUrl(target), record: opts.record }));
  }
  if (target.startsWith('pyrpl://')) {
    const { connectPyrplBoard } = await import('@labrx/pyrpl');
    return new Board(await connectPyrplBoard(target));
  }
  if (target.startsWith('nats://') || target.startsWith('tls://')) {
    const { connectRemoteBoard } = await import('@labrx/remote');
    return connectRemoteBoard(target);
  }
  throw new SettingsError('connect', 'target', target, `a URL starting with ${CONNECT_SCHEMES.join(' or ')}, or { sim: {...} }`);
}

/**
 * Reads `seed`, `noiseDensity` and `dut` from a `sim://?seed=7&noiseDensity=1e-6&dut=resonator:f0=1e6,q=40`
 * URL (`dut` as `--dut` takes it; write a chain's `+` as `%2B`, since a URL query reads `+` as a space).
 */
function simOptionsFromUrl(url: string): SimBoardOptions {
  const q = url.indexOf('?');
  if (q < 0) return {};
  const params = new URLSearchParams(url.slice(q + 1));
  const out: { seed?: number; noiseDensity?: number; dut?: NonNullable<SimBoardOptions['dut']> } = {};
  for (const [k, v] of params) {
    const x = Number(v);
    if (k === 'seed' || k === 'noiseDensity') {
      if (!Number.isFinite(x)) throw new SettingsError('connect', k, v, 'a number');
      out[k] = x;
    } else if (k === 'dut') {
      out.dut = parseDutOrPlantSpec(v);
    } else {
      throw new SettingsError('connect', k, v, "a known sim:// parameter: 'seed', 'noiseDensity', 'dut'");
    }
  }
  return out;
}

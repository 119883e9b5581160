import { SettingsError } from '../errors/SettingsError.js';
import { createFftJsPlan } from './fftjsPlan.js';
import { createPffftPlan, loadPffft, pffftReady } from './pffftPlan.js';
import { FFT_BACKENDS, type FftBackend, type RealFftPlan } from './RealFftPlan.js';

export type { RealFftPlan, WorkArray } from './RealFftPlan.js';

export { FFT_BACKENDS, type FftBackend } from './RealFftPlan.js';


const plans = new Map<string, RealFftPlan>();

/** Smallest and largest sizes accepted (samples): fft.js needs ≥ 4 for its radix-4 real path. */
const MIN_SIZE = 4;
const MAX_SIZE = 1 << 24;

/**
 * Returns the real FFT plan of `size` points on `backend`, building it (twiddle tables, scratch
 * buffers) on first use and caching it: every kernel of the same size shares one plan.
 *
 * @param size transform length in samples: a power of two from 4 to 2^24 (pffft also needs ≥ 32)
 * @param backend 'fftjs' (default) or 'pffft' (after `await initFftBackend('pffft')`)
 * @throws SettingsError for a bad size or backend, or for 'pffft' before it was initialised
 *
 * @example
 * const plan = createFftPlan(16384);
 * const re = new Float64Array(8193), im = new Float64Array(8193);
 * plan.forward(samples, re, im);
 */
export function createFftPlan(size: number, backend: FftBackend = 'fftjs'): RealFftPlan {
  const key = `${backend}/${size}`;
  const hit = plans.get(key);
  if (hit) return hit;
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE || (size & (size - 1)) !== 0) {
    throw new SettingsError('dsp', 'fft size', size, `a power of 2 from ${MIN_SIZE} to ${MAX_SIZE} (samples)`);
  }
  let plan: RealFftPlan;
  if (backend === 'fftjs') {
    plan = createFftJsPlan(size);
  } else if (backend === 'pffft') {
    if (size < 32) throw new SettingsError('dsp', 'fft size', size, "a power of 2 from 32 (samples) with backend 'pffft'");
    if (!pffftReady()) throw new SettingsError('dsp', 'fft backend', backend, "'fftjs', or 'pffft' after await initFftBackend('pffft')");
    plan = createPffftPlan(size);
  } else {
    throw new SettingsError('dsp', 'fft backend', backend, `one of ${FFT_BACKENDS.map((b) => `'${b}'`).join(', ')}`);
  }
  plans.set(key, plan);
  return plan;
}

/**
 * Makes `backend` usable by `createFftPlan`: loads and compiles the WebAssembly module for 'pffft'
 * (once; later calls return at once); nothing to do for 'fftjs'.
 *
 * @throws SettingsError for an unknown backend; rejects if the module cannot be loaded
 */
export async function initFftBackend(backend: FftBackend): Promise<void> {
  if (backend === 'fftjs') return;
  if (backend === 'pffft') return loadPffft();
  throw new SettingsError('dsp', 'fft backend', backend, `one of ${FFT_BACKENDS.map((b) => `'${b}'`).join(', ')}`);
}

/** True when plans can be built on `backend` synchronously now. */
export function isFftBackendReady(backend: FftBackend): boolean {
  return backend === 'fftjs' || (backend === 'pffft' && pffftReady());
}

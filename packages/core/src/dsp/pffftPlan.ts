/// <reference path="./pffftWasm.d.ts" />
import { readFile } from 'node:fs/promises';
import type { PffftModule } from '@echogarden/pffft-wasm/simd';
import { SettingsError } from '../errors/SettingsError.js';
import { instantiatePffftGlue, wasmApi, type PffftGlue, type WasmExports, type WasmMemory } from './pffftGlue.js';
import type { RealFftPlan, WorkArray } from './RealFftPlan.js';

let pffft: PffftModule | undefined;
/** The SIMD loops on PFFFT's memory; undefined if that memory could not be had (then JS loops run). */
let glue: PffftGlue | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads PFFFT (WebAssembly, SIMD build) once. Later calls share the same promise; a failed load
 * is not cached, so it can be retried.
 *
 * PFFFT's Emscripten wrapper keeps its WebAssembly.Memory to itself; the glue loops
 * (`pffftGlue.ts`) must run on that memory, so the module is instantiated here, through
 * Emscripten's documented `instantiateWasm` hook, from the package's own pffft.wasm, and the
 * memory taken from its exports. If the file cannot be read, PFFFT loads as usual and the
 * plans use JavaScript loops (same results, slower).
 */
export function loadPffft(): Promise<void> {
  if (pffft) return Promise.resolve();
  loading ??= import('@echogarden/pffft-wasm/simd')
    .then((m) => instantiate(m.default))
    .then(({ mod, memory }) => {
      glue = memory ? instantiatePffftGlue(memory) : undefined;
      pffft = mod;
    })
    .finally(() => {
      loading = undefined;
    });
  return loading;
}

type PffftFactory = (moduleArg?: object) => Promise<PffftModule>;

async function instantiate(factory: PffftFactory): Promise<{ mod: PffftModule; memory: WasmMemory | undefined }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(new URL('pffft.wasm', import.meta.resolve('@echogarden/pffft-wasm/simd')));
  } catch {
    return { mod: await factory(), memory: undefined };
  }
  let memory: WasmMemory | undefined;
  let fail: (e: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const mod = await Promise.race([
    factory({
      instantiateWasm(imports: object, receive: (instance: { readonly exports: WasmExports }) => void) {
        wasmApi.instantiate(bytes, imports).then(({ instance }) => {
          memory = Object.values(instance.exports).find((e): e is WasmMemory => e instanceof wasmApi.Memory);
          receive(instance);
        }, fail);
        return {};
      },
    }),
    failed,
  ]);
  return { mod, memory };
}

/** True once `loadPffft` has finished. */
export function pffftReady(): boolean {
  return pffft !== undefined;
}

// pffft's enums (pffft.h): PFFFT_REAL = 0, PFFFT_FORWARD = 0.
const PFFFT_REAL = 0;
const PFFFT_FORWARD = 0;

/**
 * Builds a real forward FFT plan of `size` points on PFFFT (Float32, SIMD). Callers go through
 * `createFftPlan`, which validates the size, requires `loadPffft` to have finished, and caches
 * plans: the setup and heap buffers live as long as the process, like fft.js's tables.
 *
 * Speed (what the real-time analyzer's throughput rests on, docs/decisions/0016): the input is
 * windowed straight into a Float32 view of the WebAssembly heap, kept between calls (rebuilt
 * only when the heap grows), and the transform is PFFFT's unordered one, cheaper than its ordered
 * one by the reordering pass: a table built once from `pffft_zreorder` (the library's own
 * permutation, applied to the indices 0…N−1) says where each bin's real and imaginary parts lie,
 * so `forward` and `accumulatePower` read the bins in place.
 *
 * Precision: samples are rounded to Float32 on the way in (relative 6e-8) and the transform
 * accumulates Float32 rounding, so bins carry an error of order 1e-7 × the largest bin; a spectrum
 * has about 140 dB of dynamic range below its largest line instead of fft.js's ~300 dB.
 *
 * @param size transform length in samples: a power of two ≥ 32
 */
export function createPffftPlan(size: number): RealFftPlan {
  const mod = pffft;
  // createFftPlan checks both conditions first; these guard direct use.
  if (!mod) throw new SettingsError('dsp', 'fft backend', 'pffft', "'pffft' after await initFftBackend('pffft')");
  const setup = mod._pffft_new_setup(size, PFFFT_REAL);
  if (setup === 0) throw new SettingsError('dsp', 'fft size', size, "a size pffft supports for real transforms (a multiple of 32 of the form 2^a·3^b·5^c)");
  const bytes = size * 4;
  const inPtr = mod._pffft_aligned_malloc(bytes);
  const outPtr = mod._pffft_aligned_malloc(bytes);
  const workPtr = mod._pffft_aligned_malloc(bytes);
  const half = size >>> 1;
  // Views of the input and output buffers. Growing the heap (another plan's allocation) detaches
  // them (length 0), so every call checks and rebuilds them then.
  let x: Float32Array = new Float32Array(0);
  let y: Float32Array = new Float32Array(0);
  const views = () => {
    const buffer = mod.HEAPF32.buffer;
    x = new Float32Array(buffer, inPtr, size);
    y = new Float32Array(buffer, outPtr, size);
  };
  views();
  // Unordered layout → canonical [X_0, X_{N/2}, Re X_1, Im X_1, …]: reorder the indices themselves
  // (integers below 2^24 are exact in Float32).
  for (let i = 0; i < size; i++) y[i] = i;
  mod._pffft_zreorder(setup, outPtr, inPtr, PFFFT_FORWARD);
  if (x.length === 0) views();
  /** Position in the unordered output of Re X_k (k = 0…N/2) and of Im X_k (k = 1…N/2−1; 0 and N/2 are real). */
  const reAt = new Int32Array(half + 1);
  const imAt = new Int32Array(half + 1);
  reAt[0] = x[0]!;
  reAt[half] = x[1]!;
  for (let k = 1; k < half; k++) {
    reAt[k] = x[2 * k]!;
    imAt[k] = x[2 * k + 1]!;
  }
  /** Windows `input` into the heap and transforms it; the bins are then in `y`, unordered. */
  const transform = (input: Float64Array, window: Float64Array | undefined) => {
    if (x.length === 0) views();
    if (window) windowInto(x, input, window, size);
    // TypedArray.set converts Float64 → Float32 in native code, without an intermediate array.
    else x.set(input.length === size ? input : input.subarray(0, size));
    mod._pffft_transform(setup, inPtr, outPtr, workPtr, PFFFT_FORWARD);
  };
  const simd = glue ? glueLoops(mod, glue, setup, size, inPtr, outPtr, workPtr) : undefined;
  return {
    size,
    backend: 'pffft',
    forward(input, outRe, outIm, window) {
      transform(input, window);
      const out = y;
      outRe[0] = out[reAt[0]!]!;
      outIm[0] = 0;
      outRe[half] = out[reAt[half]!]!;
      outIm[half] = 0;
      for (let k = 1; k < half; k++) {
        outRe[k] = out[reAt[k]!]!;
        outIm[k] = out[imAt[k]!]!;
      }
    },
    accumulatePower(input, window, scale, mean, weight) {
      if (simd) return simd(input, window, scale, mean, weight);
      transform(input, window);
      accumulateGathered(y, reAt, imAt, scale, mean, weight, half);
    },
    allocateWork: (length) => heapWorkArray(mod, length),
  };
}

/** A Float64 array in PFFFT's heap, 16-byte aligned, zeroed (see `RealFftPlan.allocateWork`). */
function heapWorkArray(mod: PffftModule, length: number): WorkArray {
  if (!Number.isInteger(length) || length < 0) throw new SettingsError('dsp', 'work array length', length, 'an integer ≥ 0 (values)');
  let ptr = mod._pffft_aligned_malloc(Math.max(length, 1) * 8);
  if (ptr === 0) throw new RangeError(`pffft: cannot allocate ${length} values in its heap`);
  let values = new Float64Array(mod.HEAPF32.buffer, ptr, length).fill(0);
  return {
    length,
    view() {
      if (ptr === 0) throw new RangeError('pffft: work array used after free()');
      // a grown heap detaches the old view (its length drops to 0)
      if (values.buffer !== mod.HEAPF32.buffer) values = new Float64Array(mod.HEAPF32.buffer, ptr, length);
      return values;
    },
    free() {
      if (ptr === 0) return;
      mod._pffft_aligned_free(ptr);
      ptr = 0;
      values = new Float64Array(0);
    },
  };
}

/**
 * `accumulatePower` on the SIMD glue: the input is copied (Float64, a memcpy) into PFFFT's heap,
 * windowed into the transform's Float32 input and, after the ordered transform, its power folded
 * into a Float64 mean there, copied out. The window and scale arrays are copied in when a call
 * brings a different array than the last (kept by identity: windows from `makeWindow` and scales
 * from `binScale` are never modified).
 */
function glueLoops(mod: PffftModule, g: PffftGlue, setup: number, size: number, inPtr: number, outPtr: number, workPtr: number) {
  const half = size >>> 1;
  const xPtr = mod._pffft_aligned_malloc(size * 8);
  const wPtr = mod._pffft_aligned_malloc(size * 8);
  const scalePtr = mod._pffft_aligned_malloc((half + 1) * 8);
  const meanPtr = mod._pffft_aligned_malloc((half + 1) * 8);
  let x: Float64Array = new Float64Array(0);
  let w: Float64Array = new Float64Array(0);
  let sc: Float64Array = new Float64Array(0);
  let m: Float64Array = new Float64Array(0);
  let z: Float32Array = new Float32Array(0);
  let xin: Float32Array = new Float32Array(0);
  let lastWindow: Float64Array | undefined;
  let lastScale: Float64Array | undefined;
  const views = () => {
    const buffer = mod.HEAPF32.buffer;
    x = new Float64Array(buffer, xPtr, size);
    w = new Float64Array(buffer, wPtr, size);
    sc = new Float64Array(buffer, scalePtr, half + 1);
    m = new Float64Array(buffer, meanPtr, half + 1);
    z = new Float32Array(buffer, outPtr, size);
    xin = new Float32Array(buffer, inPtr, size);
  };
  return (input: Float64Array, window: Float64Array | undefined, scale: Float64Array, mean: Float64Array, weight: number): void => {
    if (x.length === 0) views();
    const heap = z.buffer;
    // inputs and means allocated in this heap (`allocateWork`) are used where they lie: no copies
    const inHeap = input.buffer === heap;
    const meanInHeap = mean.buffer === heap;
    if (window) {
      if (window !== lastWindow) {
        w.set(window.subarray(0, size));
        lastWindow = window;
      }
      if (!inHeap) x.set(input.length === size ? input : input.subarray(0, size));
      g.window(inHeap ? input.byteOffset : xPtr, wPtr, inPtr, size);
    } else {
      xin.set(input.length === size ? input : input.subarray(0, size));
    }
    if (scale !== lastScale) {
      sc.set(scale);
      lastScale = scale;
    }
    mod._pffft_transform_ordered(setup, inPtr, outPtr, workPtr, PFFFT_FORWARD);
    // bins 0 (z[0]), N/2 (z[1]) and 1 here; 2 … N/2−1 in the glue, in pairs
    const out = z;
    const dc = out[0]!;
    const nyquist = out[1]!;
    const p1 = scale[1]! * (out[2]! * out[2]! + out[3]! * out[3]!);
    // a mean outside the heap goes through `m` (copied in only when it is accumulated into)
    const store = weight === 1;
    if (!meanInHeap && !store) m.set(mean);
    g.power(outPtr, scalePtr, meanInHeap ? mean.byteOffset : meanPtr, 2, half, weight, store ? 1 : 0);
    if (!meanInHeap) mean.set(m.subarray(2, half), 2);
    if (store) {
      mean[0] = scale[0]! * dc * dc;
      mean[1] = p1;
      mean[half] = scale[half]! * nyquist * nyquist;
    } else {
      mean[0]! += (scale[0]! * dc * dc - mean[0]!) * weight;
      mean[1]! += (p1 - mean[1]!) * weight;
      mean[half]! += (scale[half]! * nyquist * nyquist - mean[half]!) * weight;
    }
  };
}

// The per-sample loops are free functions taking everything as arguments: V8 compiles them
// tighter (about 2× at 16384 points) than the same loops reading a closure's or an object's fields.

/** heap[i] = input[i] · window[i] for i < size (Float64 → Float32). */
function windowInto(heap: Float32Array, input: Float64Array, window: Float64Array, size: number): void {
  for (let i = 0; i < size; i++) heap[i] = input[i]! * window[i]!;
}

/**
 * mean_k += (scale_k · (out[reAt_k]² + out[imAt_k]²) − mean_k) · weight for k = 0…half, bins 0 and
 * half being real (their imaginary part is not read); weight 1 stores.
 */
function accumulateGathered(out: Float32Array, reAt: Int32Array, imAt: Int32Array, scale: Float64Array, mean: Float64Array, weight: number, half: number): void {
  const dc = out[reAt[0]!]!;
  const nyquist = out[reAt[half]!]!;
  if (weight === 1) {
    mean[0] = scale[0]! * dc * dc;
    mean[half] = scale[half]! * nyquist * nyquist;
    for (let k = 1; k < half; k++) {
      const r = out[reAt[k]!]!;
      const i = out[imAt[k]!]!;
      mean[k] = scale[k]! * (r * r + i * i);
    }
  } else {
    mean[0]! += (scale[0]! * dc * dc - mean[0]!) * weight;
    mean[half]! += (scale[half]! * nyquist * nyquist - mean[half]!) * weight;
    for (let k = 1; k < half; k++) {
      const r = out[reAt[k]!]!;
      const i = out[imAt[k]!]!;
      mean[k]! += (scale[k]! * (r * r + i * i) - mean[k]!) * weight;
    }
  }
}

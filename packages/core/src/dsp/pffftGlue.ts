/**
 * The WebAssembly SIMD loops around PFFFT's real transform (windowing into its Float32 input,
 * power of its ordered output into a Float64 running mean), assembled from `pffftGlue.wat` beside
 * this file (the source: read it there). Regenerate after editing it:
 *
 *   npx --yes wabt@1.0.39 wat2wasm packages/core/src/dsp/pffftGlue.wat -o /tmp/g.wasm && base64 -w0 /tmp/g.wasm
 *
 * and paste the result below (test/core/dsp/fftPlan.test.ts checks the loops against the same
 * arithmetic in JavaScript, bit for bit).
 */
const GLUE_WASM_BASE64 = 'AGFzbQEAAAABEgJgBH9/f38AYAd/f39/f3x/AAIPAQNlbnYGbWVtb3J5AgAAAwMCAAEHEgIGd2luZG93AAAFcG93ZXIAAQrdAgJvAQF/IAIgA0ECdGohBAJAIANFDQADQCACIAD9AAQAIAH9AAQA/fIB/V4gAP0ABBAgAf0ABBD98gH9Xv0NAAECAwQFBgcQERITFBUWF/0LBAAgAEEgaiEAIAFBIGohASACQRBqIQIgAiAESQ0ACwsL6gECAX8GeyAF/RQhDSADIQcCQCAHIARPDQADQCAAIAdBA3Rq/QAEACEIIAj9XyEJIAggCP0NCAkKCwwNDg8AAQIDBAUGB/1fIQogCSAJ/fIBIQkgCiAK/fIBIQogASAHQQN0av0ABAAgCSAK/Q0AAQIDBAUGBxAREhMUFRYXIAkgCv0NCAkKCwwNDg8YGRobHB0eH/3wAf3yASELIAYEQCACIAdBA3RqIAv9CwQABSACIAdBA3Rq/QAEACEMIAIgB0EDdGogDCALIAz98QEgDf3yAf3wAf0LBAALIAdBAmohByAHIARJDQALCws=';

/** The glue's exports: pointers are byte offsets in PFFFT's memory, counts in elements. */
export interface PffftGlue {
  /** out[i] = f32(x[i] · w[i]), i < n (n a multiple of 4; x, w Float64; out Float32; all 16-byte aligned). */
  window(x: number, w: number, out: number, n: number): void;
  /**
   * For bins k = from…to−1 (from and to − from even) of an ordered real transform z (Float32):
   * p = scale[k]·(Re² + Im²); mean[k] = p if store ≠ 0, else mean[k] + (p − mean[k])·weight.
   */
  power(z: number, scale: number, mean: number, from: number, to: number, weight: number, store: number): void;
}

/** A WebAssembly.Memory (opaque here: only handed from PFFFT's instance to the glue's). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** An instance's exports, as the WebAssembly JS API gives them. */
export type WasmExports = Record<string, unknown>;

/**
 * The parts of the WebAssembly JS API used here, typed (the project's TypeScript lib has no DOM,
 * and @types/node 20 does not declare it).
 */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: WasmExports };
  Memory: abstract new (...args: never[]) => WasmMemory;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ readonly instance: { readonly exports: WasmExports } }>;
}

/** The runtime's WebAssembly namespace. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Instantiates the glue on `memory` (PFFFT's): synchronous, the module is 422 bytes. */
export function instantiatePffftGlue(memory: WasmMemory): PffftGlue {
  const bytes = Uint8Array.from(atob(GLUE_WASM_BASE64), (c) => c.charCodeAt(0));
  const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
  return instance.exports as unknown as PffftGlue;
}

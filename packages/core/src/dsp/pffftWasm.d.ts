/**
 * Types for the parts of `@echogarden/pffft-wasm` (0.4.2, an Emscripten ES module without its own
 * declarations) that labrx uses. Pointers are byte offsets into the module's heap.
 */
declare module '@echogarden/pffft-wasm/simd' {
  /** The instantiated WebAssembly module. */
  export interface PffftModule {
    /** The heap as floats; replaced when memory grows, so read it again after any allocation. */
    readonly HEAPF32: Float32Array;
    /** `pffft_new_setup(N, transform)`: transform 0 = real, 1 = complex; returns 0 for an unsupported N. */
    _pffft_new_setup(n: number, transform: number): number;
    _pffft_destroy_setup(setup: number): void;
    /** `pffft_transform_ordered(setup, in, out, work, direction)`: direction 0 = forward. */
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
    /** `pffft_transform(setup, in, out, work, direction)`: as ordered, but the output in PFFFT's internal (SIMD-friendly) order. */
    _pffft_transform(setup: number, input: number, output: number, work: number, direction: number): void;
    /** `pffft_zreorder(setup, in, out, direction)`: forward (0) turns the internal order into the canonical one; a pure permutation. */
    _pffft_zreorder(setup: number, input: number, output: number, direction: number): void;
    /** 16-byte aligned allocation of `bytes` bytes. */
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_aligned_free(pointer: number): void;
    /** 4 when built with SIMD, 1 otherwise. */
    _pffft_simd_size(): number;
  }
  /** Loads and instantiates the module (reads the .wasm file next to the script). */
  const PFFFT: (moduleArg?: object) => Promise<PffftModule>;
  export default PFFFT;
}

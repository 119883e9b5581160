/** Bytes of the one allocation that raises glibc's thresholds: below its 32 MiB cap (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit). */
const PRIMING_BYTES = 31 * 1024 * 1024;

let primed = false;

/**
 * Makes the process keep memory the garbage collector frees, so that the fresh arrays a stream
 * allocates (every block, every spectrum: consumers keep them, they cannot be recycled) reuse it
 * instead of faulting new pages in. Once per process; later calls do nothing. Called when a
 * gapless stream or a real-time analysis starts (docs/decisions/0016, "Fresh memory").
 *
 * How: on Linux, glibc's malloc hands memory that comes free at the top of its heap back to the
 * kernel once more than its trim threshold (128 KiB) is free there, and the next allocations
 * fault it in again, a page at a time. V8 frees array memory in bulk after a collection, so a
 * stream of 64–128 KiB arrays pays that on nearly every array. glibc raises the threshold itself
 * (`man mallopt`, M_MMAP_THRESHOLD, "dynamic" thresholds) when a block it had mapped on its own
 * (larger than its mmap threshold, up to 32 MiB) is freed: to twice that block's size. So one
 * allocation of 31 MiB, never written (no page of it is ever mapped in), let go at once, makes
 * glibc keep up to 62 MiB free at the heap's top and serve allocations up to 31 MiB from its heap.
 * The cost: that much freed memory stays with the process. Measured (bench/gapless.bench.ts):
 * about half the system time and up to 2× the real-time analyzer's spectra per CPU second on this
 * machine. Elsewhere it is harmless: glibc ignores it where the environment fixes the thresholds
 * (MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_, MALLOC_TOP_PAD_ — the user's choice wins), and
 * other allocators just map and unmap 31 MiB of address space.
 */
export function keepFreedMemory(): void {
  if (primed) return;
  primed = true;
  // allocUnsafeSlow: malloc, not calloc, so no page is touched; the buffer is garbage at once and
  // its memory goes back through free() at the next collection, which raises the thresholds
  Buffer.allocUnsafeSlow(PRIMING_BYTES);
}

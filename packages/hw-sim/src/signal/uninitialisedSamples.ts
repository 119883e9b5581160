/** Node's Buffer where there is one (the simulator runs in browsers too, where this is undefined). */
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(bytes: number): Uint8Array } }).Buffer;

/**
 * A Float64Array of `n` samples (its own ArrayBuffer, offset 0, as `new Float64Array(n)`) whose
 * contents are unspecified: for arrays the caller overwrites in full before anyone sees them.
 *
 * `new Float64Array(n)` asks the allocator for zeroed memory; a stream's blocks are fresh memory
 * at up to 2 × 8 bytes × the sample rate, and zeroing it first is a whole extra pass over every
 * block (decision 0016, "Rendering the stream"). Under Node the memory comes uninitialised
 * (`Buffer.allocUnsafeSlow`, never a shared pool); elsewhere it is `new Float64Array(n)`.
 */
export function uninitialisedSamples(n: number): Float64Array {
  if (!NodeBuffer) return new Float64Array(n);
  const bytes = NodeBuffer.allocUnsafeSlow(8 * n);
  return new Float64Array(bytes.buffer, bytes.byteOffset, n);
}

/**
 * A Float64Array of `length` values whose memory is NOT cleared first: its contents are whatever
 * the allocator had (`Buffer.allocUnsafeSlow`, its own ArrayBuffer, byte offset 0). For results
 * that are written in full at once: it saves the clearing pass over memory that is cold anyway
 * (a fresh 64 KiB spectrum per segment costs the real-time analyzer a third of its throughput
 * with clearing, a quarter without; docs/decisions/0016). Never hand one out before every value
 * has been written.
 *
 * @param length number of values (each 8 bytes)
 */
export function uninitializedFloat64(length: number): Float64Array<ArrayBuffer> {
  const bytes = Buffer.allocUnsafeSlow(length * 8);
  return new Float64Array(bytes.buffer, bytes.byteOffset, length);
}

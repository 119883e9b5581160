import { ScpiError } from '@labrx/core';
import type { ScpiResponse } from './ScpiResponseParser.js';

const NATIVE_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes a big-endian float32 block payload of `count` samples (volts) into `out[0…count)`, through
 * `own` (an aligned Float32Array of at least `count` values, reused between calls). Throws
 * ScpiError −200 naming `target` when the payload is not a block of exactly `count` samples.
 */
export function decodeFloat32Block(payload: Buffer | string | undefined, count: number, out: Float64Array, own: Float32Array, target: string): void {
  if (!Buffer.isBuffer(payload) || payload.length !== count * 4) {
    throw new ScpiError(-200, `expected a block of ${count} float32 samples, got ${Buffer.isBuffer(payload) ? `${payload.length} bytes` : JSON.stringify(payload)}`, target);
  }
  const bytes = Buffer.from(own.buffer, own.byteOffset, count * 4);
  payload.copy(bytes);
  if (NATIVE_LITTLE) bytes.swap32();
  for (let i = 0; i < count; i++) out[i] = own[i]!;
}

/** Unit `i` of a reply as trimmed text ('' for a block or a missing unit). */
export function replyUnit(message: ScpiResponse, i: number): string {
  const u = message[i];
  return typeof u === 'string' ? u.trim() : '';
}

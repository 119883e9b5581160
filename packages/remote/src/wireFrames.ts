import type { RawTrace, StreamBlock } from '@labrx/core';

/**
 * Reply frames on the wire: one kind byte, then the body. Requests are plain UTF-8 JSON.
 *
 * - `OK` (1): JSON value
 * - `ERROR` (2): JSON `WireError`
 * - `TRACE` (3): u32 LE header length, JSON header `{ dt, t0, timestamp, samples }`, zero padding
 *   to a multiple of 8 bytes, then ch1 and ch2 as little-endian float64 (the driver's exact volts).
 * - `BLOCK` (4): one block of a gapless stream, laid out as `TRACE`: u32 LE header length, JSON header
 *   `{ kind, index, samples, dt, timestamp, seq }` (`kind` 'samples' or 'gap', `seq` the frame's
 *   number in its relay, from 1), zero padding to a multiple of 8 bytes, then for 'samples' ch1 and
 *   ch2 as little-endian float64; a 'gap' has no data.
 */
export const FRAME = { OK: 1, ERROR: 2, TRACE: 3, BLOCK: 4 } as const;

/** Bytes a `BLOCK` frame may need beyond its samples (kind, length, header, padding): a bound, not the exact size. */
export const BLOCK_FRAME_OVERHEAD = 256;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A JSON value as a reply frame. */
export function okFrame(value: unknown): Uint8Array {
  return withKind(FRAME.OK, encoder.encode(JSON.stringify(value ?? null)));
}

/** An error description as a reply frame. */
export function errorFrame(error: WireError): Uint8Array {
  return withKind(FRAME.ERROR, encoder.encode(JSON.stringify(error)));
}

/** Encodes a request body as UTF-8 JSON. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses UTF-8 JSON; throws `SyntaxError` on malformed input. */
export function decodeJson(bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(bytes)) as unknown;
}

/** An error as it crosses the network: class name, message and its own plain fields. */
export interface WireError {
  /** Class name ('SettingsError', 'ResourceBusyError', 'BadRequestError', …). */
  readonly code: string;
  readonly message: string;
  /** Own fields of the error (`resource`, `holder`, `setting`, …), JSON-safe. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** One raw trace as a `TRACE` frame (2 · 8 bytes per sample plus a small header). */
export function traceFrame(trace: RawTrace): Uint8Array {
  const n = trace.ch1.length;
  const header = encoder.encode(JSON.stringify({ dt: trace.dt, t0: trace.t0, timestamp: trace.timestamp, samples: n }));
  const dataStart = align8(5 + header.length);
  const out = new Uint8Array(dataStart + 16 * n);
  const view = new DataView(out.buffer);
  out[0] = FRAME.TRACE;
  view.setUint32(1, header.length, true);
  out.set(header, 5);
  new Float64Array(out.buffer, dataStart, n).set(trace.ch1);
  new Float64Array(out.buffer, dataStart + 8 * n, n).set(trace.ch2);
  return out;
}

/**
 * One stream block as a `BLOCK` frame (16 bytes per sample plus a small header), with its stream
 * index given as `index` (the relay's own numbering) and the frame's number `seq` in its relay.
 */
export function blockFrame(block: StreamBlock, index: number, seq: number): Uint8Array {
  const n = block.kind === 'samples' ? block.samples : 0;
  const header = encoder.encode(JSON.stringify({ kind: block.kind, index, samples: block.samples, dt: block.dt, timestamp: block.timestamp, seq }));
  const dataStart = align8(5 + header.length);
  const out = new Uint8Array(dataStart + 16 * n);
  out[0] = FRAME.BLOCK;
  new DataView(out.buffer).setUint32(1, header.length, true);
  out.set(header, 5);
  if (block.kind === 'samples') {
    new Float64Array(out.buffer, dataStart, n).set(block.ch1);
    new Float64Array(out.buffer, dataStart + 8 * n, n).set(block.ch2);
  }
  return out;
}

/** What a reply frame holds. */
export type DecodedFrame =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: WireError }
  | { readonly kind: 'trace'; readonly trace: RawTrace }
  | { readonly kind: 'block'; readonly block: StreamBlock; readonly seq: number };

/** Decodes a reply frame; throws `SyntaxError` naming what is wrong with a malformed one. */
export function decodeFrame(bytes: Uint8Array): DecodedFrame {
  if (bytes.length === 0) throw new SyntaxError('empty reply frame');
  const body = bytes.subarray(1);
  switch (bytes[0]) {
    case FRAME.OK:
      return { kind: 'ok', value: decodeJson(body) };
    case FRAME.ERROR:
      return { kind: 'error', error: decodeJson(body) as WireError };
    case FRAME.TRACE: {
      if (bytes.length < 5) throw new SyntaxError('truncated trace frame');
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headerLength = view.getUint32(1, true);
      const h = decodeJson(bytes.subarray(5, 5 + headerLength)) as { dt: number; t0: number; timestamp: number; samples: number };
      const dataStart = align8(5 + headerLength);
      const n = h.samples;
      if (!Number.isInteger(n) || n < 0 || bytes.length !== dataStart + 16 * n) throw new SyntaxError(`trace frame of ${bytes.length} bytes does not hold 2 × ${n} samples`);
      // copy: the message buffer need not be 8-byte aligned
      const samples = new Float64Array(copyFrom(bytes, dataStart));
      return { kind: 'trace', trace: { dt: h.dt, t0: h.t0, timestamp: h.timestamp, ch1: samples.subarray(0, n), ch2: samples.subarray(n, 2 * n) } };
    }
    case FRAME.BLOCK: {
      if (bytes.length < 5) throw new SyntaxError('truncated block frame');
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headerLength = view.getUint32(1, true);
      const h = decodeJson(bytes.subarray(5, 5 + headerLength)) as { kind: unknown; index: number; samples: number; dt: number; timestamp: number; seq: number };
      const dataStart = align8(5 + headerLength);
      const n = h.samples;
      if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(h.index) || h.index < 0 || !Number.isInteger(h.seq) || h.seq < 1) throw new SyntaxError('block frame header needs integer samples > 0, index ≥ 0 and seq ≥ 1');
      if (h.kind === 'gap') {
        if (bytes.length !== dataStart) throw new SyntaxError(`gap frame of ${bytes.length} bytes carries data`);
        return { kind: 'block', seq: h.seq, block: { kind: 'gap', index: h.index, samples: n, dt: h.dt, timestamp: h.timestamp } };
      }
      if (h.kind !== 'samples') throw new SyntaxError(`unknown block kind ${JSON.stringify(h.kind)}`);
      if (bytes.length !== dataStart + 16 * n) throw new SyntaxError(`block frame of ${bytes.length} bytes does not hold 2 × ${n} samples`);
      const samples = new Float64Array(copyFrom(bytes, dataStart));
      return { kind: 'block', seq: h.seq, block: { kind: 'samples', index: h.index, samples: n, dt: h.dt, timestamp: h.timestamp, ch1: samples.subarray(0, n), ch2: samples.subarray(n, 2 * n) } };
    }
    default:
      throw new SyntaxError(`unknown reply frame kind ${bytes[0]}`);
  }
}

function withKind(kind: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + body.length);
  out[0] = kind;
  out.set(body, 1);
  return out;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** A Float64Array as base64 of its little-endian bytes (arbitrary waveforms in JSON). */
export function float64ToBase64(data: Float64Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** The inverse of `float64ToBase64`; throws `SyntaxError` when the length is not a multiple of 8 bytes. */
export function base64ToFloat64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0) throw new SyntaxError(`base64 data of ${bytes.length} bytes is not a whole number of float64 values`);
  return new Float64Array(new Uint8Array(bytes).buffer);
}

/**
 * The bytes of `bytes` from `start` in a fresh ArrayBuffer of exactly that length, 8-byte aligned.
 * (`bytes.slice(start).buffer` is not that when `bytes` is a Node Buffer: Buffer's slice is a view
 * into a pool shared with other messages.)
 */
function copyFrom(bytes: Uint8Array, start: number): ArrayBuffer {
  const out = new Uint8Array(bytes.length - start);
  out.set(bytes.subarray(start));
  return out.buffer;
}

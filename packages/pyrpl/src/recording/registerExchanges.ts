import type { TrafficRecording } from '@labrx/core/net';
import { COMMAND, HEADER_BYTES, decodeHeader } from '../protocol/header.js';

/** One register request of a recorded session and its reply. */
export interface RegisterExchange {
  /** The request as sent: its 8-byte header, and a write's words. */
  readonly request: Buffer;
  /** ms since the recording started when it was sent. */
  readonly sentAtMs: number;
  /** Its reply: the header, and a read's words (empty for a close or a count of 0; short when the recording was cut short). */
  readonly reply: Buffer;
  /** ms since the recording started when the reply's last byte came (sentAtMs when none). */
  readonly repliedAtMs: number;
}

/** Bytes monitor_server answers a request with (monitor_server.c:199-235). */
export function replyBytes(request: Uint8Array): number {
  if (request.length < HEADER_BYTES) return 0;
  const h = decodeHeader(request);
  if (h.count === 0) return 0;
  if (h.command === COMMAND.read) return HEADER_BYTES + 4 * h.count;
  if (h.command === COMMAND.write) return HEADER_BYTES;
  return 0;
}

/**
 * Pairs each request of a recorded register session with its own reply. The client pipelines
 * (requests go out before earlier replies are in), so replies are not cut where requests were sent
 * but by length, in order, from the bytes received: monitor_server answers every request in order,
 * with a length its header gives.
 */
export function registerExchanges(recording: TrafficRecording): RegisterExchange[] {
  const received = recording.records.filter((r) => r.kind === 'received');
  let chunk = 0;
  let offset = 0;
  const out: RegisterExchange[] = [];
  for (const r of recording.records) {
    if (r.kind !== 'sent') continue;
    let need = replyBytes(r.bytes);
    const parts: Buffer[] = [];
    let repliedAtMs = r.atMs;
    while (need > 0 && chunk < received.length) {
      const c = received[chunk]!;
      const k = Math.min(need, c.bytes.length - offset);
      parts.push(c.bytes.subarray(offset, offset + k));
      repliedAtMs = c.atMs;
      need -= k;
      offset += k;
      if (offset === c.bytes.length) {
        chunk++;
        offset = 0;
      }
    }
    out.push({ request: r.bytes, sentAtMs: r.atMs, reply: Buffer.concat(parts), repliedAtMs });
  }
  return out;
}

const hex = (x: number): string => `0x${x.toString(16).padStart(8, '0')}`;

/** A request for people: 'read 2 words at 0x40100000', 'write 1 word at 0x40100000: 0x00000001'. */
export function describeRegisterRequest(request: Uint8Array): string {
  if (request.length < HEADER_BYTES) return `${request.length} bytes, not a whole request`;
  const h = decodeHeader(request);
  const words = `${h.count} word${h.count === 1 ? '' : 's'}`;
  if (h.command === COMMAND.read) return `read ${words} at ${hex(h.address)}`;
  if (h.command === COMMAND.close) return 'close';
  if (h.command !== COMMAND.write) return `unknown command 0x${h.command.toString(16).padStart(2, '0')} (${words} at ${hex(h.address)})`;
  const view = new DataView(request.buffer, request.byteOffset + HEADER_BYTES, Math.min(request.length - HEADER_BYTES, 4 * h.count));
  const shown: string[] = [];
  for (let i = 0; i < Math.min(8, view.byteLength >> 2); i++) shown.push(hex(view.getUint32(4 * i, true)));
  return `write ${words} at ${hex(h.address)}: ${shown.join(' ')}${h.count > 8 ? ' …' : ''}`;
}

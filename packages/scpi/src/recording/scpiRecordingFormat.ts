import { parseTrafficRecording, RecordingFormatError, type TrafficRecording, type TrafficRecordingHeader } from '@labrx/core/net';

export { RECORDING_MAGIC, RECORD_SENT, RECORD_RECEIVED, RECORD_HEAD_BYTES, RecordingFormatError } from '@labrx/core/net';

/**
 * An SCPI session in the `.labrx-rec` format (`@labrx/core/net`'s trafficRecording.ts): each 'sent'
 * record is one line (latin1, no CRLF), each 'received' record a chunk of bytes as it came.
 */

/** The header line of a recording. */
export type ScpiRecordingHeader = TrafficRecordingHeader;

/** One exchange: a line the client sent and every byte received after it until the next line was sent. */
export interface ScpiExchange {
  /** The line (no CRLF), latin1. */
  readonly sent: string;
  /** ms since the recording started when it was sent. */
  readonly sentAtMs: number;
  /** The bytes received after it (its reply, or nothing for a command), joined. */
  readonly reply: Buffer;
  /** ms since the recording started when the last reply byte came (sentAtMs when none). */
  readonly repliedAtMs: number;
}

/** A recording read back. */
export interface ScpiRecording {
  readonly header: ScpiRecordingHeader;
  readonly exchanges: readonly ScpiExchange[];
}

/**
 * Groups a recording's records into exchanges: each line sent with the bytes received after it,
 * until the next line was sent. Bytes received before any line was sent are a damaged recording.
 * @throws RecordingFormatError
 */
export function scpiExchanges(recording: TrafficRecording, path = '(buffer)'): ScpiRecording {
  const exchanges: { sent: string; sentAtMs: number; parts: Buffer[]; repliedAtMs: number }[] = [];
  for (const r of recording.records) {
    if (r.kind === 'sent') exchanges.push({ sent: r.bytes.toString('latin1'), sentAtMs: r.atMs, parts: [], repliedAtMs: r.atMs });
    else {
      const last = exchanges[exchanges.length - 1];
      if (!last) throw new RecordingFormatError(path, 'bytes received before any line was sent');
      last.parts.push(r.bytes);
      last.repliedAtMs = r.atMs;
    }
  }
  return { header: recording.header, exchanges: exchanges.map((e) => ({ sent: e.sent, sentAtMs: e.sentAtMs, reply: Buffer.concat(e.parts), repliedAtMs: e.repliedAtMs })) };
}

/**
 * Parses the (gunzipped) bytes of a recording into exchanges. A recording cut short (a process
 * killed while recording) keeps every whole record.
 * @throws RecordingFormatError for anything but a labrx recording
 */
export function parseRecording(bytes: Buffer, path = '(buffer)'): ScpiRecording {
  return scpiExchanges(parseTrafficRecording(bytes, path), path);
}

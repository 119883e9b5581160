import { FileError } from '@labrx/core';

/**
 * The `.labrx-rec` format: a gzip stream of
 * - the magic line `labrx-rec 1\n`, then a JSON header line (`ScpiRecordingHeader`) ended by `\n`;
 * - records of [kind u8: 1 = line sent, 2 = bytes received][time f64 LE: ms since the recording
 *   started, on the driver's scheduler][length u32 LE][bytes (latin1 for lines)].
 * Binary because trace replies are binary blocks (2 × 64 KiB each for a 16384-sample trace); gzip
 * because the rest (settings lines, status polls, error counts) repeats a great deal.
 */
export const RECORDING_MAGIC = 'labrx-rec 1\n';
/** Record kinds. */
export const RECORD_SENT = 1;
export const RECORD_RECEIVED = 2;
/** Bytes before a record's payload: kind, time, length. */
export const RECORD_HEAD_BYTES = 1 + 8 + 4;

/** The header line of a recording. */
export interface ScpiRecordingHeader {
  readonly format: 'labrx-rec';
  readonly version: 1;
  /** What was recorded, e.g. 'scpi://10.0.0.5:5000'. */
  readonly target: string;
}

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

/** A file that is not a labrx recording, or a damaged one; names the file and what is wrong. */
export class RecordingFormatError extends FileError {}

/**
 * Parses the (gunzipped) bytes of a recording into exchanges. A recording cut short (a process
 * killed while recording) keeps every whole record.
 * @throws RecordingFormatError for anything but a labrx recording
 */
export function parseRecording(bytes: Buffer, path = '(buffer)'): ScpiRecording {
  if (bytes.subarray(0, RECORDING_MAGIC.length).toString('latin1') !== RECORDING_MAGIC) throw new RecordingFormatError(path, `not a labrx recording (no '${RECORDING_MAGIC.trim()}' header)`);
  const headerEnd = bytes.indexOf(0x0a, RECORDING_MAGIC.length);
  if (headerEnd < 0) throw new RecordingFormatError(path, 'the header line is cut short');
  let header: ScpiRecordingHeader;
  try {
    header = JSON.parse(bytes.subarray(RECORDING_MAGIC.length, headerEnd).toString('utf8')) as ScpiRecordingHeader;
  } catch (error) {
    throw new RecordingFormatError(path, 'the header line is not JSON', { cause: error });
  }
  if (header === null || typeof header !== 'object') throw new RecordingFormatError(path, `the header line is ${JSON.stringify(header)}, not an object`);
  if (header.format !== 'labrx-rec' || header.version !== 1) throw new RecordingFormatError(path, `format ${JSON.stringify(header.format)} version ${String(header.version)} is not 'labrx-rec' 1`);
  const exchanges: { sent: string; sentAtMs: number; parts: Buffer[]; repliedAtMs: number }[] = [];
  let pos = headerEnd + 1;
  while (pos + RECORD_HEAD_BYTES <= bytes.length) {
    const kind = bytes[pos]!;
    const t = bytes.readDoubleLE(pos + 1);
    const n = bytes.readUInt32LE(pos + 9);
    const end = pos + RECORD_HEAD_BYTES + n;
    if (end > bytes.length) break; // cut short: keep what is whole
    const payload = bytes.subarray(pos + RECORD_HEAD_BYTES, end);
    if (kind === RECORD_SENT) exchanges.push({ sent: payload.toString('latin1'), sentAtMs: t, parts: [], repliedAtMs: t });
    else if (kind === RECORD_RECEIVED) {
      const last = exchanges[exchanges.length - 1];
      if (!last) throw new RecordingFormatError(path, 'bytes received before any line was sent');
      last.parts.push(payload);
      last.repliedAtMs = t;
    } else throw new RecordingFormatError(path, `unknown record kind ${kind} at byte ${pos}`);
    pos = end;
  }
  return { header, exchanges: exchanges.map((e) => ({ sent: e.sent, sentAtMs: e.sentAtMs, reply: Buffer.concat(e.parts), repliedAtMs: e.repliedAtMs })) };
}

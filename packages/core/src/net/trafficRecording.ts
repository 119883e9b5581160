import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createGzip, gunzipSync, constants as zlibConstants, type Gzip } from 'node:zlib';
import type { SchedulerLike } from 'rxjs';
import { FileError } from '../errors/FileError.js';

/**
 * The `.labrx-rec` format, for any protocol (SCPI lines, PyRPL register requests): a gzip stream of
 * - the magic line `labrx-rec 1\n`, then a JSON header line (`TrafficRecordingHeader`) ended by `\n`;
 * - records of [kind u8: 1 = bytes sent, 2 = bytes received][time f64 LE: ms since the recording
 *   started, on the driver's scheduler][length u32 LE][bytes].
 * Binary because replies carry binary blocks (2 × 64 KiB for a 16384-sample trace); gzip because the
 * rest (settings, status polls) repeats a great deal. The header's `target` ('scpi://…',
 * 'pyrpl://…') says which protocol the bytes are.
 */
export const RECORDING_MAGIC = 'labrx-rec 1\n';
/** Record kinds. */
export const RECORD_SENT = 1;
export const RECORD_RECEIVED = 2;
/** Bytes before a record's payload: kind, time, length. */
export const RECORD_HEAD_BYTES = 1 + 8 + 4;

/** The header line of a recording. */
export interface TrafficRecordingHeader {
  readonly format: 'labrx-rec';
  readonly version: 1;
  /** What was recorded, e.g. 'scpi://10.0.0.5:5000' or 'pyrpl://10.0.0.5:2222'. */
  readonly target: string;
}

/** One record: bytes the client sent (one request) or received (a chunk, as it came). */
export interface TrafficRecord {
  readonly kind: 'sent' | 'received';
  /** ms since the recording started. */
  readonly atMs: number;
  readonly bytes: Buffer;
}

/** A recording read back, record by record. */
export interface TrafficRecording {
  readonly header: TrafficRecordingHeader;
  readonly records: readonly TrafficRecord[];
}

/** A file that is not a labrx recording, or a damaged one; names the file and what is wrong. */
export class RecordingFormatError extends FileError {}

/**
 * Parses the (gunzipped) bytes of a recording. A recording cut short (a process killed while
 * recording) keeps every whole record.
 * @throws RecordingFormatError for anything but a labrx recording
 */
export function parseTrafficRecording(bytes: Buffer, path = '(buffer)'): TrafficRecording {
  if (bytes.subarray(0, RECORDING_MAGIC.length).toString('latin1') !== RECORDING_MAGIC) throw new RecordingFormatError(path, `not a labrx recording (no '${RECORDING_MAGIC.trim()}' header)`);
  const headerEnd = bytes.indexOf(0x0a, RECORDING_MAGIC.length);
  if (headerEnd < 0) throw new RecordingFormatError(path, 'the header line is cut short');
  let header: TrafficRecordingHeader;
  try {
    header = JSON.parse(bytes.subarray(RECORDING_MAGIC.length, headerEnd).toString('utf8')) as TrafficRecordingHeader;
  } catch (error) {
    throw new RecordingFormatError(path, 'the header line is not JSON', { cause: error });
  }
  if (header === null || typeof header !== 'object') throw new RecordingFormatError(path, `the header line is ${JSON.stringify(header)}, not an object`);
  if (header.format !== 'labrx-rec' || header.version !== 1) throw new RecordingFormatError(path, `format ${JSON.stringify(header.format)} version ${String(header.version)} is not 'labrx-rec' 1`);
  const records: TrafficRecord[] = [];
  let pos = headerEnd + 1;
  while (pos + RECORD_HEAD_BYTES <= bytes.length) {
    const kind = bytes[pos]!;
    const atMs = bytes.readDoubleLE(pos + 1);
    const n = bytes.readUInt32LE(pos + 9);
    const end = pos + RECORD_HEAD_BYTES + n;
    if (end > bytes.length) break; // cut short: keep what is whole
    if (kind !== RECORD_SENT && kind !== RECORD_RECEIVED) throw new RecordingFormatError(path, `unknown record kind ${kind} at byte ${pos}`);
    records.push({ kind: kind === RECORD_SENT ? 'sent' : 'received', atMs, bytes: bytes.subarray(pos + RECORD_HEAD_BYTES, end) });
    pos = end;
  }
  return { header, records };
}

/** Reads a `.labrx-rec` file. @throws RecordingFormatError for a missing, foreign or damaged file */
export async function readTrafficRecording(path: string): Promise<TrafficRecording> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new RecordingFormatError(path, 'cannot be read', { cause: error });
  }
  let plain: Buffer;
  try {
    plain = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (error) {
    throw new RecordingFormatError(path, 'not a gzip stream (a .labrx-rec file is gzip-compressed)', { cause: error });
  }
  return parseTrafficRecording(plain, path);
}

/**
 * Records a driver's traffic into a `.labrx-rec` file as it happens: a gzip stream written in the
 * background (zlib works off the main thread), so memory stays flat however long the session.
 * Times come from the driver's scheduler. `close()` flushes and closes the file; a process killed
 * before that leaves a file whose whole records still replay.
 */
export class TrafficRecorder {
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private readonly startMs: number;
  private readonly done: Promise<void>;
  private closing: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Records not yet handed to gzip: joined and written once per turn of the event loop. */
  private pending: Uint8Array[] = [];

  constructor(
    /** The file written. */
    readonly path: string,
    /** What is recorded ('scpi://host:port', 'pyrpl://host:port'): the header's `target`. */
    target: string,
    private readonly scheduler: SchedulerLike,
  ) {
    this.startMs = scheduler.now();
    // Level 1: the bulk is trace data that no level compresses much; the fast level keeps up with the link.
    this.gzip = createGzip({ level: 1, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
    this.file = createWriteStream(path);
    this.gzip.pipe(this.file);
    this.done = new Promise<void>((resolve) => {
      this.file.once('close', resolve);
      const fail = (error: Error): void => {
        this.failure ??= error;
        resolve();
      };
      this.file.once('error', fail);
      this.gzip.once('error', fail);
    });
    const header: TrafficRecordingHeader = { format: 'labrx-rec', version: 1, target };
    this.gzip.write(Buffer.from(`${RECORDING_MAGIC}${JSON.stringify(header)}\n`, 'utf8'));
  }

  /** Bytes the client sent: one request (an SCPI line without its CRLF, a register request). */
  sent(bytes: Uint8Array): void {
    this.record(RECORD_SENT, bytes);
  }

  /** Bytes received, as they came. */
  received(chunk: Uint8Array): void {
    this.record(RECORD_RECEIVED, chunk);
  }

  private record(kind: number, payload: Uint8Array): void {
    if (this.closing) return;
    const head = Buffer.allocUnsafe(RECORD_HEAD_BYTES);
    head[0] = kind;
    head.writeDoubleLE(this.scheduler.now() - this.startMs, 1);
    head.writeUInt32LE(payload.length, 9);
    // One gzip write per event-loop turn rather than two per record: each write is a job on
    // zlib's thread pool, and a trace's exchange is a dozen small records around two big ones.
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(head, payload);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    // concat copies: the gzip stream reads the bytes later, after the socket's buffers may be reused.
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.gzip.write(bytes);
  }

  /**
   * Resolves once the file is open for writing; rejects with RecordingFormatError when it cannot be
   * created (a missing folder, no permission), so that a session is not run unrecorded by mistake.
   */
  opened(): Promise<void> {
    if (this.file.pending === false) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(new RecordingFormatError(this.path, `cannot be written: ${error.message}`, { cause: error }));
      this.file.once('error', onError);
      this.file.once('ready', () => {
        this.file.off('error', onError);
        resolve();
      });
    });
  }

  /** Flushes and closes the file; rejects when it could not be written. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.flush();
      this.gzip.end();
      await this.done;
      if (this.failure) throw new RecordingFormatError(this.path, `could not be written: ${this.failure.message}`, { cause: this.failure });
    })();
    return this.closing;
  }
}

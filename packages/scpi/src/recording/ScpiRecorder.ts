import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createGzip, gunzipSync, constants as zlibConstants, type Gzip } from 'node:zlib';
import type { SchedulerLike } from 'rxjs';
import type { ScpiTrafficTap } from './ScpiTrafficTap.js';
import { RECORD_HEAD_BYTES, RECORD_RECEIVED, RECORD_SENT, RECORDING_MAGIC, RecordingFormatError, parseRecording, type ScpiRecording, type ScpiRecordingHeader } from './scpiRecordingFormat.js';

/**
 * Records an SCPI driver's traffic into a `.labrx-rec` file (scpiRecordingFormat.ts) as it happens:
 * a gzip stream written in the background (zlib works off the main thread), so memory stays flat
 * however long the session. Times come from the driver's scheduler. `close()` flushes and closes
 * the file; a process killed before that leaves a file whose whole records still replay.
 */
export class ScpiRecorder implements ScpiTrafficTap {
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private readonly startMs: number;
  private readonly done: Promise<void>;
  private closing: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Records not yet handed to gzip: joined and written once per turn of the event loop. */
  private pending: Buffer[] = [];

  constructor(
    /** The file written. */
    readonly path: string,
    target: string,
    private readonly scheduler: SchedulerLike,
  ) {
    this.startMs = scheduler.now();
    // Level 1: the bulk is float32 trace data that no level compresses much; the fast level keeps up with the link.
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
    const header: ScpiRecordingHeader = { format: 'labrx-rec', version: 1, target };
    this.gzip.write(Buffer.from(`${RECORDING_MAGIC}${JSON.stringify(header)}\n`, 'utf8'));
  }

  sent(line: string): void {
    this.record(RECORD_SENT, Buffer.from(line, 'latin1'));
  }

  received(chunk: Buffer): void {
    this.record(RECORD_RECEIVED, chunk);
  }

  private record(kind: number, payload: Buffer): void {
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

/** Reads a `.labrx-rec` file. @throws RecordingFormatError for a missing, foreign or damaged file */
export async function readScpiRecording(path: string): Promise<ScpiRecording> {
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
  return parseRecording(plain, path);
}

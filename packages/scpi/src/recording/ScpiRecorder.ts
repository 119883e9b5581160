import type { SchedulerLike } from 'rxjs';
import { readTrafficRecording, TrafficRecorder } from '@labrx/core/net';
import type { ScpiTrafficTap } from './ScpiTrafficTap.js';
import { scpiExchanges, type ScpiRecording } from './scpiRecordingFormat.js';

/**
 * Records an SCPI driver's traffic into a `.labrx-rec` file (through `TrafficRecorder` of
 * `@labrx/core/net`): each line sent (latin1, without its CRLF) and each chunk received, timed on
 * the driver's scheduler. `close()` flushes and closes the file; a process killed before that
 * leaves a file whose whole records still replay.
 */
export class ScpiRecorder implements ScpiTrafficTap {
  private readonly recorder: TrafficRecorder;

  constructor(
    /** The file written. */
    readonly path: string,
    target: string,
    scheduler: SchedulerLike,
  ) {
    this.recorder = new TrafficRecorder(path, target, scheduler);
  }

  sent(line: string): void {
    this.recorder.sent(Buffer.from(line, 'latin1'));
  }

  received(chunk: Buffer): void {
    this.recorder.received(chunk);
  }

  /** Resolves once the file is open; rejects with RecordingFormatError when it cannot be created. */
  opened(): Promise<void> {
    return this.recorder.opened();
  }

  /** Flushes and closes the file; rejects when it could not be written. Idempotent. */
  close(): Promise<void> {
    return this.recorder.close();
  }
}

/** Reads a `.labrx-rec` file of an SCPI session. @throws RecordingFormatError for a missing, foreign or damaged file */
export async function readScpiRecording(path: string): Promise<ScpiRecording> {
  return scpiExchanges(await readTrafficRecording(path), path);
}

import { createServer, type Socket } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import { checkReplayPace, ReplyPacer, type ReplayPace } from '@labrx/core/net';
import { createLineFramer } from '../server/lineFramer.js';
import { ReplayDepartureError } from '@labrx/core';
import type { ScpiRecording } from './scpiRecordingFormat.js';

/** Options of `startReplayServer`. */
export interface ReplayServerOptions {
  /** The recording served (`readScpiRecording(path)`). */
  readonly recording: ScpiRecording;
  /** Its name in messages (the file). */
  readonly name?: string;
  /** Interface to bind (default '127.0.0.1'). */
  readonly host?: string;
  /** TCP port (default 5000; 0 lets the OS pick). */
  readonly port?: number;
  /**
   * Told when a client departs from the recording (the client's connection is then closed).
   * Default: a process warning.
   */
  readonly onDeparture?: (error: ReplayDepartureError) => void;
  /** When replies go out (`REPLAY_PACES`): 'immediate' (default) or 'recorded'. */
  readonly pace?: ReplayPace;
  /** The clock that paces replies with pace 'recorded' (default rxjs's asyncScheduler: wall time; a `VirtualClock` in tests). */
  readonly scheduler?: SchedulerLike;
}

/** A running replay server. */
export interface ReplayServer {
  readonly host: string;
  readonly port: number;
  /** `scpi://host:port`. */
  readonly url: string;
  /** Open client connections now. */
  readonly connections: number;
  /** Stops listening and ends every connection; resolves when none is left. */
  close(): Promise<void>;
}

/**
 * Serves a recorded SCPI session back over TCP, as `labrx-sim --replay` does: every connection
 * starts at the recording's first exchange; each line the client sends must equal the next recorded
 * line, and is answered with exactly the bytes recorded after it — at once (pace 'immediate'), or
 * as long after the line as the recorded board took (pace 'recorded', on `scheduler`: replies keep
 * their order, so a reply never overtakes the one before it). So the script that made
 * the recording gets the same bytes again and the same results, bit for bit — a run on real
 * hardware becomes a regression test. A line that differs (or one past the end) is reported through
 * `onDeparture` as a `ReplayDepartureError` naming the exchange, the expected line and the line
 * sent, and the connection is closed (the client sees its connection lost).
 *
 * @example
 * const server = await startReplayServer({ recording: await readScpiRecording('run.labrx-rec'), port: 0 });
 * const rp = await connect(server.url); // the same script as when recording
 */
export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const host = options.host ?? '127.0.0.1';
  const name = options.name ?? '(recording)';
  const { exchanges } = options.recording;
  const onDeparture = options.onDeparture ?? ((e: ReplayDepartureError) => process.emitWarning(e.message, 'LabrxReplayWarning'));
  const pace = checkReplayPace(options.pace ?? 'immediate');
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let next = 0;
    let departed = false;
    const pacer = new ReplyPacer(socket, pace, options.scheduler);
    const framer = createLineFramer({
      line: (bytes) => {
        if (departed) return;
        const line = bytes.toString('latin1');
        const expected = exchanges[next];
        if (!expected || expected.sent !== line) {
          departed = true;
          onDeparture(new ReplayDepartureError(name, next + 1, expected?.sent ?? null, line));
          socket.destroy();
          return;
        }
        next++;
        pacer.reply(expected.reply, expected.repliedAtMs - expected.sentAtMs);
      },
      overflow: () => undefined,
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      pacer.cancel();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 5000 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 5000);
  let closing: Promise<void> | null = null;
  return {
    host,
    port,
    url: `scpi://${host}:${port}`,
    get connections() {
      return sockets.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

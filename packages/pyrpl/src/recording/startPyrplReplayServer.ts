import type { Socket } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import { ReplayDepartureError } from '@labrx/core';
import { checkReplayPace, listenTcp, ReplyPacer, tcpServer, type ReplayPace, type TcpServer, type TrafficRecording } from '@labrx/core/net';
import { ByteQueue } from '../protocol/ByteQueue.js';
import { COMMAND, HEADER_BYTES, decodeHeader } from '../protocol/header.js';
import { describeRegisterRequest, registerExchanges } from './registerExchanges.js';

/** Options of `startPyrplReplayServer`. */
export interface PyrplReplayServerOptions {
  /** The recorded session (`readTrafficRecording(path)` of a file recorded with `connect('pyrpl://…', { record })`). */
  readonly recording: TrafficRecording;
  /** Its name in messages (the file). */
  readonly name?: string;
  /** Interface to bind (default '127.0.0.1'). */
  readonly host?: string;
  /** TCP port (default 2222; 0 lets the OS pick). */
  readonly port?: number;
  /** Told when a client departs from the recording (its connection is then closed). Default: a process warning. */
  readonly onDeparture?: (error: ReplayDepartureError) => void;
  /** When replies go out: 'immediate' (default) or 'recorded' (the recorded board's latency, on `scheduler`). */
  readonly pace?: ReplayPace;
  /** The clock of pace 'recorded' (default: wall time; a `VirtualClock` in tests). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Serves a recorded PyRPL register session back over monitor_server's protocol, as
 * `labrx-sim --replay` does for a pyrpl:// recording: every connection starts at the recording's first
 * request; each request the client sends (its header, and a write's words) must equal the next
 * recorded one byte for byte, and is answered with that request's own recorded reply — so the script
 * that made the recording reads the same registers and gets the same traces, bit for bit. A request
 * that differs, or one past the end, is reported through `onDeparture` as a `ReplayDepartureError`
 * naming the request number and both requests ('write 1 word at 0x40100000: 0x00000003'), and the
 * connection is closed. A close request ('c') ends the connection, as monitor_server does.
 *
 * @example
 * const server = await startPyrplReplayServer({ recording: await readTrafficRecording('run.labrx-rec'), port: 0 });
 * const rp = await connect(server.url); // the same script as when recording
 */
export async function startPyrplReplayServer(options: PyrplReplayServerOptions): Promise<TcpServer> {
  const host = options.host ?? '127.0.0.1';
  const name = options.name ?? '(recording)';
  const pace = checkReplayPace(options.pace ?? 'immediate');
  const exchanges = registerExchanges(options.recording);
  const onDeparture = options.onDeparture ?? ((e: ReplayDepartureError) => process.emitWarning(e.message, 'LabrxReplayWarning'));

  const serve = (socket: Socket): void => {
    socket.setNoDelay(true);
    const input = new ByteQueue();
    const pacer = new ReplyPacer(socket, pace, options.scheduler);
    let next = 0;
    let header: Buffer | null = null;
    const pump = (): void => {
      for (;;) {
        if (!header) {
          if (input.length < HEADER_BYTES) return;
          header = Buffer.from(input.take(HEADER_BYTES));
          if (decodeHeader(header).command === COMMAND.close) {
            socket.end();
            return;
          }
        }
        const h = decodeHeader(header);
        const words = h.command === COMMAND.write ? 4 * h.count : 0;
        if (input.length < words) return;
        const request = words > 0 ? Buffer.concat([header, input.take(words)]) : header;
        header = null;
        const expected = exchanges[next];
        if (!expected || !expected.request.equals(request)) {
          onDeparture(new ReplayDepartureError(name, next + 1, expected ? describeRegisterRequest(expected.request) : null, describeDifference(expected?.request, request)));
          socket.destroy();
          return;
        }
        next++;
        pacer.reply(expected.reply, expected.repliedAtMs - expected.sentAtMs);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      if (socket.destroyed) return;
      input.push(chunk);
      pump();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      pacer.cancel();
      input.clear();
    });
  };

  const listener = await listenTcp({ host, port: options.port ?? 2222 }, serve);
  return tcpServer(listener, 'pyrpl', host, {});
}

/** The request for the message; where its description reads like the expected one's, the first word that differs too. */
function describeDifference(expected: Buffer | undefined, request: Buffer): string {
  const text = describeRegisterRequest(request);
  if (!expected || describeRegisterRequest(expected) !== text) return text;
  let i = 0;
  while (i < expected.length && i < request.length && expected[i] === request[i]) i++;
  return `${text} (word ${Math.floor((i - HEADER_BYTES) / 4) + 1} differs)`;
}

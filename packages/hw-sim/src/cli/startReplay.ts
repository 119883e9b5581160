import { readTrafficRecording, type ReplayPace, type TcpServer } from '@labrx/core/net';
import { startPyrplReplayServer } from '@labrx/pyrpl';
import { scpiExchanges, startReplayServer } from '@labrx/scpi';

/**
 * `labrx-sim --replay FILE [--pace recorded]`: serves a recorded session on `options.port` — an
 * SCPI one (`startReplayServer`) or, when the recording's target is pyrpl://, a PyRPL register one
 * (`startPyrplReplayServer`) — its replies at once or at the recorded latency in real time. A
 * client that departs from the recording is reported on `io.err` with the exchange, the expected
 * request and the one sent. Shaped as a `LabrxSim` without boards.
 */
export async function startReplay(
  file: string,
  options: { readonly host: string; readonly port?: number; readonly pace?: ReplayPace },
  io: { readonly err: { write(text: string): unknown } },
): Promise<{ readonly boards: readonly never[]; readonly servers: readonly TcpServer[]; close(): Promise<void> }> {
  const recording = await readTrafficRecording(file);
  const common = {
    name: file,
    host: options.host,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.pace !== undefined ? { pace: options.pace } : {}),
    onDeparture: (error: Error) => io.err.write(`labrx-sim: replay departed: ${error.message}\n`),
  };
  const server = recording.header.target?.startsWith('pyrpl://')
    ? await startPyrplReplayServer({ recording, ...common })
    : await startReplayServer({ recording: scpiExchanges(recording, file), ...common });
  return { boards: [], servers: [server], close: () => server.close() };
}

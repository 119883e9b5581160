import { readScpiRecording, startReplayServer, type ReplayPace, type ReplayServer } from '@labrx/scpi';

/**
 * `labrx-sim --replay FILE [--pace recorded]`: serves a recorded SCPI session on `options.port`
 * (see `startReplayServer`), its replies at once or at the recorded latency in real time; a
 * client that departs from the recording is reported on `io.err` with the exchange, the expected
 * line and the line sent. Shaped as a `LabrxSim` without boards.
 */
export async function startReplay(
  file: string,
  options: { readonly host: string; readonly port: number; readonly pace?: ReplayPace },
  io: { readonly err: { write(text: string): unknown } },
): Promise<{ readonly boards: readonly never[]; readonly servers: readonly ReplayServer[]; close(): Promise<void> }> {
  const server = await startReplayServer({
    recording: await readScpiRecording(file),
    name: file,
    host: options.host,
    port: options.port,
    ...(options.pace !== undefined ? { pace: options.pace } : {}),
    onDeparture: (error) => io.err.write(`labrx-sim: replay departed: ${error.message}\n`),
  });
  return { boards: [], servers: [server], close: () => server.close() };
}

import { readScpiRecording, startReplayServer, type ReplayServer } from '@labrx/scpi';

/**
 * `labrx-sim --replay FILE`: serves a recorded SCPI session on `options.port` (see
 * `startReplayServer`); a client that departs from the recording is reported on `io.err` with the
 * exchange, the expected line and the line sent. Shaped as a `LabrxSim` without boards.
 */
export async function startReplay(
  file: string,
  options: { readonly host: string; readonly port: number },
  io: { readonly err: { write(text: string): unknown } },
): Promise<{ readonly boards: readonly never[]; readonly servers: readonly ReplayServer[]; close(): Promise<void> }> {
  const server = await startReplayServer({
    recording: await readScpiRecording(file),
    name: file,
    host: options.host,
    port: options.port,
    onDeparture: (error) => io.err.write(`labrx-sim: replay departed: ${error.message}\n`),
  });
  return { boards: [], servers: [server], close: () => server.close() };
}

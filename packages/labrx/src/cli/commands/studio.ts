import { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { Observable } from 'rxjs';
import WebSocket from 'ws';
import { LabrxError, once, SettingsError } from '@labrx/core';
import { startStudio, type Studio } from '../../studio/startStudio.js';
import { SIM_DEMO } from '../../studio/studioDemo.js';
import { defaultStudioStateDir } from '../../studio/studioState.js';
import { defaultCataloguePath } from '@labrx/catalogue';
import { decodeFrame, FRAME_KIND } from '../../studio/frames.js';
import { addBoardOptions, openBoard, processIo, runCommand, settingValue, type BoardFlags, type CliIo } from './instrumentFlags.js';

/** The simulator's DUT when `labrx studio` runs on it: a resonance, so that the NA has something to show. */
export const STUDIO_DEMO_DUT = 'resonator:f0=1e6,q=20,gain=0.5';

type StudioFlags = BoardFlags & { port?: string; check?: boolean; db?: string };

/**
 * `labrx studio`: serves the studio page on 127.0.0.1 and prints its address (with the per-start
 * token); runs until Ctrl-C. `--check` is the non-interactive mode for CI: it starts the studio,
 * checks the page, the token refusal, the WebSocket and one scope frame, and exits (0 or 1).
 *
 * @example
 * labrx studio                 # the embedded simulator with a 1 MHz resonator
 * labrx studio --board scpi://192.168.1.100:5000 --port 8080
 */
export function buildStudioCommand(io: CliIo = processIo): Command {
  const cmd = new Command('studio')
    .description('live scope, spectrum analyzer and network analyzer in your browser (http://127.0.0.1 only)')
    .option('--port <n>', 'TCP port (default 0: any free port)')
    .option('--check', 'start, check the page, the token and one scope frame over the WebSocket, then exit (for CI)')
    .option('--db <file>', `run catalogue the page saves to and overlays from (default ${defaultCataloguePath()})`);
  addBoardOptions(cmd, { dut: STUDIO_DEMO_DUT });
  return cmd.action((opts: StudioFlags) =>
    runCommand(io, async () => {
      const port = opts.port === undefined ? 0 : settingValue(opts.port);
      if (typeof port !== 'number') throw new SettingsError('studio', 'port', port, 'an integer from 0 to 65535 (0: any free port)');
      // the demo DUT belongs to the simulator; a real board has its own
      let flags: BoardFlags = opts;
      if (opts.board !== undefined && !opts.board.startsWith('sim://') && opts.dut === STUDIO_DEMO_DUT) {
        const { dut: _demo, ...rest } = opts;
        flags = rest;
      }
      const board = await openBoard(flags);
      let studio: Studio | undefined;
      try {
        // on the simulator with its demonstration DUT the page opens on a working demonstration
        const demo = (flags.board ?? 'sim://').startsWith('sim://') && flags.dut === STUDIO_DEMO_DUT && opts.profile === undefined && !opts.check;
        // the catalogue is opened for a user's studio, not for the CI check
        const db = opts.check ? undefined : (opts.db ?? defaultCataloguePath());
        // profiles and the last state live in the user's config folder (not for the CI check, nor
        // with --profile, which says what the board starts with)
        const stateDir = opts.check || opts.profile !== undefined ? undefined : defaultStudioStateDir();
        studio = await startStudio({ board, port, ...(demo ? { demo: SIM_DEMO } : {}), ...(db !== undefined ? { catalogue: db } : {}), ...(stateDir !== undefined ? { stateDir } : {}) });
        io.stdout.write(`labrx studio on ${board.id}: ${studio.url}\n`);
        if (opts.check) {
          io.stdout.write(`studio check: ok (${await checkStudio(studio)})\n`);
          return;
        }
        io.stderr.write('open the address above in a browser; Ctrl-C stops the studio\n');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      } finally {
        await studio?.close();
        await board.close();
      }
    }),
  );
}

/**
 * Checks a running studio from outside, as a browser would: the page loads, an asset is refused
 * without the token and served with it, and over the WebSocket a scope Single arrives as a frame.
 * Resolves with a short description; rejects with what failed.
 */
export async function checkStudio(studio: Studio, timeoutMs = 20_000): Promise<string> {
  const base = `http://127.0.0.1:${studio.port}`;
  const status = async (path: string) => (await fetch(base + path, { signal: AbortSignal.timeout(timeoutMs) })).status;
  const expect = (what: string, got: number, want: number) => {
    if (got !== want) throw new LabrxError(`studio check: ${what} answered ${got}, expected ${want}`);
  };
  expect('the page', await status('/'), 200);
  expect('an asset without the token', await status('/assets/app.js'), 403);
  expect('an asset with the token', await status(`/assets/app.js?token=${studio.token}`), 200);
  const frame$ = new Observable<string>((subscriber) => {
    const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/ws?token=${studio.token}`, { origin: base });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'run', instrument: 'scope', mode: 'single', settings: { decimation: 1 } })));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        const m = JSON.parse(data.toString()) as { type: string; error?: { message: string } };
        if (m.type === 'error') subscriber.error(new LabrxError(`studio check: ${m.error?.message}`));
        return;
      }
      const f = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (f.kind === FRAME_KIND.scope) subscriber.next(`page, token refusal, WebSocket, a scope frame of ${f.nPoints} points from ${f.samples} samples`);
    });
    ws.on('error', (e: Error) => subscriber.error(e));
    return () => ws.terminate();
  });
  return once(frame$, { operation: 'studio check', timeoutMs });
}

/** `labrx studio` for the program's command list. */
export const studioCommand: CliCommand = {
  name: 'studio',
  register(program: Command): void {
    program.addCommand(buildStudioCommand());
  },
};

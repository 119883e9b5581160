import repl, { type REPLServer } from 'node:repl';
import type { Readable, Writable } from 'node:stream';
import type { Board } from '@labrx/instruments';
import { connect } from '../connect.js';
import { connectSync, type SyncBoard } from '../sync/connectSync.js';
import { dutOrPlantFromSpec } from '@labrx/hw-sim';
import type { SyncSimOptions } from '../sync/engineOptions.js';
import { completeSetting } from './settingsCompleter.js';

/** Options of `startRepl`. */
export interface ReplOptions {
  /** Where commands come from (default process.stdin). */
  readonly input?: Readable;
  /** Where results go (default process.stdout). */
  readonly output?: Writable;
  /** A board URL ('scpi://host:port'); absent: the embedded simulator. */
  readonly board?: string;
  /** Simulator options, as plain data (a DUT as `{ kind: 'resonator', … }`). */
  readonly sim?: SyncSimOptions;
  /** A procedures module (path or URL): loaded into `rps`'s engine (`rps.call(name, …)`) and here as `procs`. */
  readonly procedures?: string | URL;
  /** Line editing and colours (default: whether `output` is a TTY). */
  readonly terminal?: boolean;
  /** Prompt (default 'labrx> '). */
  readonly prompt?: string;
}

/** A running labrx REPL. */
export interface LabrxRepl {
  /** Node's REPL server (its `complete(line, cb)` gives completions). */
  readonly server: REPLServer;
  /** The async board (`await rp.scope.single()`), in this thread. */
  readonly rp: Board;
  /** The blocking board (`rps.scope.single()`), in an engine thread. */
  readonly rps: SyncBoard;
  /** Resolves once the REPL has ended and both boards are closed. */
  readonly closed: Promise<void>;
  /** Ends the REPL and closes both boards. */
  close(): Promise<void>;
}

/**
 * Starts a Node REPL with two boards: `rp`, the async face (top-level `await` works), and `rps`,
 * the blocking face (`rps.scope.single({ decimation: 8 })` returns the trace). Tab completes
 * instruments and methods (Node's own completer) and, inside a settings object, setting names and
 * choices from the rule tables. On the simulator `rp` and `rps` are two boards with the same
 * options; on 'scpi://' they are two connections to the same one.
 *
 * @example
 * const { closed } = await startRepl({ sim: { seed: 7 } }); await closed;
 */
export async function startRepl(options: ReplOptions = {}): Promise<LabrxRepl> {
  const { dut, virtualTime: _virtualTime, ...sim } = options.sim ?? {};
  const rp = options.board ? await connect(options.board) : await connect({ sim: { ...sim, ...(dut ? { dut: dutOrPlantFromSpec(dut) } : {}) } });
  let rps: SyncBoard;
  try {
    const syncOptions = { ...(options.sim ? { sim: options.sim } : {}), ...(options.procedures ? { procedures: options.procedures } : {}) };
    rps = options.board ? connectSync(options.board, syncOptions) : connectSync(syncOptions);
  } catch (error) {
    await rp.close();
    throw error;
  }
  const procs = options.procedures ? ((await import(procedureHref(options.procedures))) as Record<string, unknown>) : {};
  const output = options.output ?? process.stdout;
  const terminal = options.terminal ?? Boolean((output as { isTTY?: boolean }).isTTY);
  output.write(
    `labrx repl — board ${rps.id}\n` +
      `  rp   async:    await rp.scope.single({ decimation: 8 })\n` +
      `  rps  blocking: rps.scope.single({ decimation: 8 })   instruments: ${rps.instruments.join(', ')}\n` +
      (rps.procedures.length ? `  procedures: rps.call('${rps.procedures[0]}', …) or await procs.${rps.procedures[0]}(rp, …): ${rps.procedures.join(', ')}\n` : '') +
      `  Tab completes instruments, methods and settings; .exit ends.\n`,
  );
  const server = repl.start({ prompt: options.prompt ?? 'labrx> ', input: options.input ?? process.stdin, output, terminal, useGlobal: false, ignoreUndefined: true });
  Object.assign(server.context, { rp, rps, procs });
  const nodeCompleter = server.completer.bind(server);
  const completer = (line: string, callback: (err: Error | null, result: [string[], string]) => void): void => {
    const settings = completeSetting(line, rp.info);
    if (settings) callback(null, settings);
    else nodeCompleter(line, callback as never);
  };
  (server as unknown as { completer: typeof completer }).completer = completer;

  let closing: Promise<void> | undefined;
  const closeBoards = (): Promise<void> =>
    (closing ??= (async () => {
      rps.close();
      await Promise.all([rp.close(), rps.exited]);
    })());
  const closed = new Promise<void>((resolve, reject) => server.once('exit', () => closeBoards().then(resolve, reject)));
  return {
    server,
    rp,
    rps,
    closed,
    async close() {
      server.close();
      await closed;
    },
  };
}

function procedureHref(p: string | URL): string {
  if (p instanceof URL) return p.href;
  return /^[a-z][a-z0-9+.-]*:/i.test(p) ? p : new URL(p, `file://${process.cwd()}/`).href;
}

import { parseArgs } from 'node:util';
import { SettingsError } from '@labrx/core';
import type { Dut } from '../dut/Dut.js';
import { parseDutOrPlantSpec } from '../dut/parseDutSpec.js';
import { isPlant } from '../plant/isPlant.js';
import type { Plant } from '../plant/Plant.js';
import type { PlantSpec } from '../plant/PlantSpec.js';
import { plantFromSpec } from '../plant/plantFromSpec.js';
import { createSimBoard, type SimBoard } from '../SimBoard.js';
import { startPyrplServer } from '@labrx/pyrpl';
import { checkReplayPace, startScpiServer, type ReplayPace } from '@labrx/scpi';
import { startReplay } from './startReplay.js';

/** Protocols `labrx-sim` serves a board with. */
export const LABRX_SIM_PROTOCOLS = ['scpi', 'pyrpl'] as const;
/** A protocol `labrx-sim` speaks: the Red Pitaya's SCPI, or PyRPL's register protocol (monitor_server). */
export type LabrxSimProtocol = (typeof LABRX_SIM_PROTOCOLS)[number];

/** What `labrx-sim` needs of a running server, whatever its protocol. */
export interface LabrxSimServer {
  /** `scpi://host:port` or `pyrpl://host:port`, for `connect()`. */
  readonly url: string;
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

/** What `labrx-sim` runs. */
export interface LabrxSimOptions {
  /** Interface to bind (default 127.0.0.1). */
  readonly host: string;
  /** The protocol the boards are served with (default 'scpi'). */
  readonly protocol?: LabrxSimProtocol;
  /** Port of the first board; board i listens on port + i (0: the OS picks each). */
  readonly port: number;
  /** Number of boards (1 to 256). */
  readonly boards: number;
  /** Seed of board 0; board i uses seed + i. */
  readonly seed: number;
  /** Device under test of every board (a plant is rebuilt from its spec for each board, with the board's seed unless it has its own). */
  readonly dut: Dut | Plant;
  /** White noise on each input in V/√Hz (the simulator's default when absent). */
  readonly noiseDensity?: number;
  /** Serve this `.labrx-rec` recording instead of simulated boards (one port). */
  readonly replay?: string;
  /** Bytes of DDR for deep memory (`ACQ:AXI:*`) on each board (the simulator's default, 32 MiB, when absent; 0 = none). */
  readonly deepMemoryBytes?: number;
  /**
   * Fast analog inputs of each board: 2 (default), or 4 for a STEMlab 125-14 4-Input (SCPI only), whose
   * inputs 3 and 4 are a second simulated front end on the same clock (seed + 2^40 + i, the same noise,
   * nothing wired to them) that acquires in split-trigger mode.
   */
  readonly inputs?: 2 | 4;
  /** With `replay`: when replies go out, 'immediate' (default) or 'recorded' (the recorded board's latency, in real time). */
  readonly pace?: ReplayPace;
}

/** `labrx-sim --help` */
export const LABRX_SIM_USAGE = `Usage: labrx-sim [options]

Serves simulated Red Pitaya boards, one TCP port each: over SCPI (firmware 2.07 protocol), or as
boards running PyRPL's FPGA image (its monitor_server register protocol).

Options:
  --protocol <p>   scpi (default) or pyrpl
  --port <n>       port of the first board; the others follow (default 5000 for scpi, 2222 for pyrpl; 0 = the OS picks each)
  --boards <n>     number of boards (default 1)
  --seed <n>       seed of the first board; board i uses seed + i (default 1)
  --dut <spec>     device between out1 and in1 (default wire), e.g.
                     resonator:f0=1e6,q=20[,gain=0.5]   lowpass:cutoff=1e5[,order=2]
                     delay:seconds=1e-6   wire   and chains: resonator:f0=1e6,q=20+delay:seconds=1e-7
                   or a plant: fabry-perot:finesse=3000,fsr=1.5e9[,detuning=<Hz>,piezoHzPerV=<Hz/V>,…]
                     michelson:[visibility=0.9,piezoMPerV=1e-6,…] (piezo on out1, EOM on out2,
                     reflection on in1, transmission on in2; see DUT_ALLOWED for every parameter)
  --noise <V/√Hz>  white noise density on each input (default 1e-7)
  --host <addr>    interface to bind (default 127.0.0.1)
  --inputs <n>     fast analog inputs per board: 2 (default) or 4 (a STEMlab 125-14 4-Input, scpi only:
                   inputs 3 and 4 carry only their noise and acquire in split-trigger mode)
  --deep-memory <bytes>  DDR region for deep-memory acquisition, ACQ:AXI:* (default 33554432 = 32 MiB,
                   a multiple of 4096; 0 = a board without deep memory)
  --replay <file>  serve a session recorded with connect(url, { record: FILE }) instead (scpi:// or
                   pyrpl://, as recorded; give --port, 5000 by default): the same script gets the
                   same bytes; a departure is reported on stderr, naming where
  --pace <p>       with --replay: immediate (default: each reply at once) or recorded (each reply
                   as long after its line as the recorded board took)
  -h, --help       show this help

Prints "listening on scpi://HOST:PORT" (or pyrpl://…) for each board; stops cleanly on SIGINT or SIGTERM.`;


function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const x = Number(text);
  if (!Number.isInteger(x) || x < min || x > max) throw new SettingsError('labrx-sim', name, text, `an integer from ${min} to ${max}`);
  return x;
}

/**
 * Parses `labrx-sim` arguments with Node's own `util.parseArgs` (no dependency; strict: unknown
 * options and missing values are errors). Returns null for `--help`. Throws SettingsError.
 */
export function parseLabrxSimArgs(argv: readonly string[]): LabrxSimOptions | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        protocol: { type: 'string' },
        port: { type: 'string' },
        boards: { type: 'string' },
        seed: { type: 'string' },
        dut: { type: 'string' },
        noise: { type: 'string' },
        host: { type: 'string' },
        replay: { type: 'string' },
        'deep-memory': { type: 'string' },
        inputs: { type: 'string' },
        pace: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new SettingsError('labrx-sim', 'arguments', argv.join(' '), `${(err as Error).message}; see --help`);
  }
  if (values.help) return null;
  const boards = integer('boards', values.boards as string | undefined, 1, 1, 256);
  const protocol = (values.protocol as string | undefined) ?? 'scpi';
  if (!(LABRX_SIM_PROTOCOLS as readonly string[]).includes(protocol)) throw new SettingsError('labrx-sim', 'protocol', protocol, "'scpi' or 'pyrpl'");
  const port = integer('port', values.port as string | undefined, protocol === 'pyrpl' ? 2222 : 5000, 0, 65535);
  if (port !== 0 && port + boards - 1 > 65535) throw new SettingsError('labrx-sim', 'port', port, `a port that leaves room for ${boards} consecutive ports`);
  const paceText = values.pace as string | undefined;
  if (paceText !== undefined && values.replay === undefined) throw new SettingsError('labrx-sim', 'pace', paceText, 'only with --replay');
  const pace = paceText === undefined ? undefined : checkReplayPace(paceText, 'labrx-sim');
  const inputsText = values.inputs as string | undefined;
  if (inputsText !== undefined && inputsText !== '2' && inputsText !== '4') throw new SettingsError('labrx-sim', 'inputs', inputsText, '2 or 4');
  if (inputsText === '4' && protocol !== 'scpi') throw new SettingsError('labrx-sim', 'inputs', inputsText, '2 with --protocol pyrpl (PyRPL\'s FPGA image has two inputs)');
  const noiseText = values.noise as string | undefined;
  const noiseDensity = noiseText === undefined ? undefined : Number(noiseText);
  if (noiseDensity !== undefined && !(Number.isFinite(noiseDensity) && noiseDensity >= 0)) throw new SettingsError('labrx-sim', 'noise', noiseText, 'a noise density of 0 V/√Hz or more');
  return {
    host: (values.host as string | undefined) ?? '127.0.0.1',
    protocol: protocol as LabrxSimProtocol,
    port,
    boards,
    seed: integer('seed', values.seed as string | undefined, 1, -(2 ** 52), 2 ** 52),
    dut: parseDutOrPlantSpec((values.dut as string | undefined) ?? 'wire'),
    ...(noiseDensity !== undefined ? { noiseDensity } : {}),
    ...(typeof values.replay === 'string' ? { replay: values.replay } : {}),
    ...(values['deep-memory'] !== undefined ? { deepMemoryBytes: integer('deep-memory', values['deep-memory'] as string, 0, 0, 412 * 2 ** 20) } : {}),
    ...(pace !== undefined ? { pace } : {}),
    ...(inputsText === '4' ? { inputs: 4 as const } : {}),
  };
}

/** A running `labrx-sim`. */
export interface LabrxSim {
  readonly boards: readonly SimBoard[];
  readonly servers: readonly LabrxSimServer[];
  /** Closes every server and board; idempotent. */
  close(): Promise<void>;
}

/** Starts the boards and their servers (board i on port + i, seed + i). Closes what it opened on failure. */
export async function startLabrxSim(options: LabrxSimOptions): Promise<LabrxSim> {
  const boards: SimBoard[] = [];
  /** Inputs 3 and 4 of 4-input boards. */
  const frontEnds: SimBoard[] = [];
  const servers: LabrxSimServer[] = [];
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await Promise.all(servers.map((s) => s.close()));
      await Promise.all([...boards, ...frontEnds].map((b) => b.close()));
    })());
  try {
    for (let i = 0; i < options.boards; i++) {
      const board = createSimBoard({
        seed: options.seed + i,
        // a plant holds state: each board gets its own
        dut: isPlant(options.dut) ? plantFromSpec(options.dut.spec as PlantSpec, options.seed + i) : options.dut,
        ...(options.noiseDensity !== undefined ? { noiseDensity: options.noiseDensity } : {}),
        ...(options.deepMemoryBytes !== undefined ? { deepMemoryBytes: options.deepMemoryBytes } : {}),
      });
      boards.push(board);
      const where = { board, host: options.host, port: options.port === 0 ? 0 : options.port + i };
      if (options.protocol === 'pyrpl') {
        servers.push(await startPyrplServer(where));
        continue;
      }
      let inputs34: SimBoard | undefined;
      if (options.inputs === 4) {
        inputs34 = createSimBoard({ seed: options.seed + i + 2 ** 40, deepMemoryBytes: 0, ...(options.noiseDensity !== undefined ? { noiseDensity: options.noiseDensity } : {}) });
        frontEnds.push(inputs34);
      }
      servers.push(await startScpiServer({ ...where, ...(inputs34 ? { inputs34 } : {}) }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { boards, servers, close };
}

/** Where `runLabrxSim` writes and which process signals it listens to. */
export interface LabrxSimIo {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
  /** Emits 'SIGINT' and 'SIGTERM' (the process, by default). */
  readonly signals: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown; off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
}

/**
 * The `labrx-sim` command: parses `argv`, starts the boards, prints `listening on scpi://HOST:PORT`
 * for each, and on SIGINT or SIGTERM closes them all. Resolves with the exit code (0, or 2 for bad
 * arguments, 1 when a port cannot be bound) once nothing is left open.
 *
 * @example
 * // packages/hw-sim/bin/labrx-sim.mjs
 * process.exitCode = await runLabrxSim(process.argv.slice(2));
 */
export async function runLabrxSim(argv: readonly string[], io: LabrxSimIo = { out: process.stdout, err: process.stderr, signals: process }): Promise<number> {
  let options: LabrxSimOptions | null;
  try {
    options = parseLabrxSimArgs(argv);
  } catch (err) {
    io.err.write(`labrx-sim: ${(err as Error).message}\n`);
    return 2;
  }
  if (options === null) {
    io.out.write(`${LABRX_SIM_USAGE}\n`);
    return 0;
  }
  let sim: LabrxSim;
  try {
    sim = options.replay === undefined ? await startLabrxSim(options) : await startReplay(options.replay, options, io);
  } catch (err) {
    io.err.write(`labrx-sim: ${(err as Error).message}\n`);
    return 1;
  }
  for (const s of sim.servers) io.out.write(`listening on ${s.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      io.signals.off('SIGINT', stop);
      io.signals.off('SIGTERM', stop);
      resolve();
    };
    io.signals.once('SIGINT', stop);
    io.signals.once('SIGTERM', stop);
  });
  await sim.close();
  return 0;
}

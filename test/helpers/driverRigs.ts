import { createSimBoard, type SimBoardOptions } from '@labrx/hw-sim';
import { startPyrplServer } from '@labrx/pyrpl';
import { startScpiServer } from '@labrx/scpi';
import { connect, type Board } from 'labrx';

/** A board opened through one driver, and how to close it with everything behind it. */
export interface Rig {
  readonly rp: Board;
  close(): Promise<void>;
}

/** What one driver can do, where the shared physics suite must treat it differently. */
export interface DriverCapabilities {
  /** The network analyzer runs on FPGA IQ modules (both references, 1 % / 1°), not on scope traces. */
  readonly iqNetworkAnalyzer: boolean;
  /** The scope's `gain: 'hv'` (±20 V range) is served. */
  readonly hvGain: boolean;
  /** The trigger level (V) the hardware compares with, for a requested threshold (V). */
  triggerLevel(thresholdV: number): number;
}

/** One driver of the shared physics suite: how to open a rig over it, and what it can do. */
export interface Driver extends DriverCapabilities {
  open(options: SimBoardOptions): Promise<Rig>;
}

/** Opens the simulator behind a protocol server (`serve`), and a board on the server's URL with labrx's connect(). */
async function served(
  options: SimBoardOptions,
  scheme: string,
  serve: (sim: ReturnType<typeof createSimBoard>, onError: (e: unknown) => void) => Promise<{ url: string; close(): Promise<void> }>,
): Promise<Rig> {
  const sim = createSimBoard(options);
  const warnings: string[] = [];
  const server = await serve(sim, (e) => warnings.push((e as Error).message));
  const rp = await connect(server.url);
  if (!rp.id.startsWith(scheme)) throw new Error(`expected the ${scheme} driver, got ${rp.id}`);
  return {
    rp,
    close: async () => {
      await rp.close();
      await server.close();
      await sim.close();
      if (warnings.length) throw new Error(`simulator warnings: ${warnings.join('; ')}`);
    },
  };
}

const exact = (thresholdV: number): number => thresholdV;

/**
 * The drivers the physics suite runs over, all opened with labrx's connect(): { sim } for the
 * embedded simulator, 'scpi://127.0.0.1:<port>' for the simulator behind the SCPI server (ScpiBoard),
 * and 'pyrpl://127.0.0.1:<port>' for the simulator behind the simulated monitor_server (PyrplBoard,
 * PyRPL's register protocol). The served ones are real time (real sockets).
 */
export const DRIVERS: Readonly<Record<'embedded' | 'SCPI over TCP' | 'pyrpl', Driver>> = {
  embedded: {
    iqNetworkAnalyzer: true,
    hvGain: true,
    triggerLevel: exact,
    open: async (options) => {
      const rp = await connect({ sim: options });
      return { rp, close: () => rp.close() };
    },
  },
  'SCPI over TCP': {
    iqNetworkAnalyzer: false,
    hvGain: true,
    triggerLevel: exact,
    open: (options) => served(options, 'scpi://', (board, onError) => startScpiServer({ board, port: 0, onError })),
  },
  pyrpl: {
    iqNetworkAnalyzer: true,
    // pyrpl:// reads its traces on the LV grid whatever gain is asked
    hvGain: false,
    // the FPGA compares with its 14-bit level register (signed, ÷2^13): 0.2 V is stored as 1638/8192 V
    triggerLevel: (thresholdV) => Math.round(thresholdV * 2 ** 13) / 2 ** 13,
    open: (options) => served(options, 'pyrpl://', (board, onError) => startPyrplServer({ board, port: 0, onError })),
  },
};

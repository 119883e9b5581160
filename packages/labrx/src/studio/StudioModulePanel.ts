import type { Board, Iq, Pid } from '@labrx/instruments';
import { errorInfo, STUDIO_MODULES, studioModuleFields, type ServerMessage, type StudioModule, type StudioModuleForm } from './protocol.js';

/** A PID or IQ module as the panel uses it: set (validated against its declaration) and read back. */
type Module = Pick<Pid, 'set' | 'get'> | Pick<Iq, 'set' | 'get'>;

/**
 * One page's PID/IQ panel: a form per PID (pid0–pid2) and per IQ module that demodulates
 * continuously (iq0–iq2), each built from the module's declared settings (`PID_SETTINGS`,
 * `IQ_MODULE_SETTINGS`, with this board's ranges); a board without them (plain SCPI) has an empty
 * panel, which the page hides. Setting a field writes the module (`pid0.set`, `iq0.set`: validated
 * first, `SettingsError` back to the page naming the field) and the read-back goes to the page as
 * 'applied'. The lockbox leases these modules while it locks: a change then fails with
 * `ResourceBusyError`, shown in the panel. A module written calls `changed` (the studio then keeps its
 * last state, which holds the modules' settings).
 */
export class StudioModulePanel {
  private readonly modules: ReadonlyMap<StudioModule, Module>;

  constructor(
    private readonly board: Board,
    private readonly send: (message: ServerMessage) => void,
    /** Called after a module was written (the studio keeps its last state). */
    private readonly changed: () => void = () => undefined,
  ) {
    const found = new Map<StudioModule, Module>();
    for (const name of STUDIO_MODULES) {
      const m = moduleOf(board, name);
      if (m) found.set(name, m);
    }
    this.modules = found;
  }

  /** The modules the board has, with their form fields (for 'hello'). */
  forms(): StudioModuleForm[] {
    return [...this.modules.keys()].map((name) => ({ name, fields: studioModuleFields(name, this.board.info) }));
  }

  /** True when `name` is a module of this panel's board. */
  has(name: string): name is StudioModule {
    return this.modules.has(name as StudioModule);
  }

  /** Reads every module back and sends its settings ('applied'; a failed read as 'error'). */
  readBack(): void {
    for (const [name, m] of this.modules) {
      m.get().then(
        (settings) => this.send({ type: 'applied', instrument: name, settings }),
        (error: unknown) => this.send({ type: 'error', instrument: name, error: errorInfo(error) }),
      );
    }
  }

  /** Writes `settings` to module `name` (what is not given stays) and sends the read-back, or the error. */
  set(name: StudioModule, settings: Record<string, unknown>): void {
    const m = this.modules.get(name);
    if (!m) return;
    (m.set as (s: Record<string, unknown>) => Promise<unknown>)(settings).then(
      (applied) => {
        this.send({ type: 'applied', instrument: name, settings: applied });
        this.changed();
      },
      (error: unknown) => this.send({ type: 'error', instrument: name, error: errorInfo(error) }),
    );
  }
}

function moduleOf(board: Board, name: StudioModule): Module | undefined {
  switch (name) {
    case 'pid0':
    case 'pid1':
    case 'pid2':
      return board[name];
    case 'iq0':
    case 'iq1':
    case 'iq2':
      return board[name].configurable ? board[name] : undefined;
  }
}

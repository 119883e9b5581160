/**
 * What the catalogue reads from a board, structurally, so that it depends on `@labrx/core` only: a
 * labrx `Board` fits (its driver, its instruments' `settings`), and so does any object with the
 * same members. Every member but `driver` is optional.
 */
export interface CatalogueBoard {
  readonly driver: {
    readonly id: string;
    readonly info: { readonly model: string };
    /** A simulated board's resolved options (seed, dut, noiseDensity, tones). */
    readonly options?: unknown;
    /** A simulated board's time in s since it was created. */
    timeS?(): number;
    /** A simulated board's acquisitions started since it was created. */
    readonly acquisitionsStarted?: number;
  };
  readonly scope?: { readonly settings: unknown };
  readonly specan?: { readonly settings: unknown };
  readonly na?: { readonly settings: unknown };
  readonly asg0?: { readonly settings: unknown };
  readonly asg1?: { readonly settings: unknown };
}

/** How a simulated board was made: enough to make the same board again. */
export interface SimProvenance {
  /** PRNG seed (integer). */
  readonly seed: number;
  /** White noise on each input, V/√Hz. */
  readonly noiseDensity: number;
  /** The device under test as plain data (`DutSpec`), or null when it has none (a hand-made Dut). */
  readonly dut: unknown;
  /** Extra tones at the inputs (plain data). */
  readonly tones: unknown;
}

/**
 * A board as plain data at the moment a run was saved (what `Board` can tell today; profiles will
 * add the modules' read-back settings): identity, every instrument's current default settings, the
 * generators' settings, and for a simulated board how it was made and where its clock stood.
 */
export interface BoardSnapshot {
  /** `board.driver.id`, e.g. 'sim:7' or 'scpi://10.0.0.5:5000'. */
  readonly id: string;
  /** The driver's class name, e.g. 'SimBoard', 'ScpiBoard'. */
  readonly driver: string;
  /** `info.model`. */
  readonly model: string;
  /** The driver's `info` (sample rate, buffer size, …) as plain data. */
  readonly info: unknown;
  /** Default settings of scope, specan and na. */
  readonly instruments: Readonly<Record<string, unknown>>;
  /** Settings in force on asg0 and asg1. */
  readonly generators: Readonly<Record<string, unknown>>;
  /** Present for a simulated board. */
  readonly sim?: SimProvenance;
  /** A simulated board's time (s since creation) when the run was saved. */
  readonly boardTimeS?: number;
  /** A simulated board's acquisitions started before the run was saved (including the run's own). */
  readonly acquisitionsStarted?: number;
}

/** Reads a board into a `BoardSnapshot` (plain data: it survives JSON). */
export function boardSnapshot(board: CatalogueBoard): BoardSnapshot {
  const d = board.driver;
  const instruments: Record<string, unknown> = {};
  for (const name of ['scope', 'specan', 'na'] as const) {
    const m = board[name];
    if (m && m.settings !== undefined) instruments[name] = plain(m.settings);
  }
  const generators: Record<string, unknown> = {};
  for (const name of ['asg0', 'asg1'] as const) {
    const m = board[name];
    if (m) generators[name] = plain(m.settings);
  }
  const o = d.options as { seed?: unknown; noiseDensity?: unknown; dut?: { spec?: unknown }; plant?: { spec?: unknown } | null; tones?: unknown } | undefined;
  const sim: SimProvenance | undefined =
    o && typeof o.seed === 'number'
      ? { seed: o.seed, noiseDensity: typeof o.noiseDensity === 'number' ? o.noiseDensity : 0, dut: plain(o.plant?.spec ?? o.dut?.spec ?? null), tones: plain(o.tones ?? []) }
      : undefined;
  return {
    id: d.id,
    driver: (d as object).constructor?.name ?? 'unknown',
    model: d.info.model,
    info: plain(d.info),
    instruments,
    generators,
    ...(sim ? { sim } : {}),
    ...(typeof d.timeS === 'function' ? { boardTimeS: d.timeS() } : {}),
    ...(typeof d.acquisitionsStarted === 'number' ? { acquisitionsStarted: d.acquisitionsStarted } : {}),
  };
}

/** A deep copy as plain data (typed arrays become arrays; functions are left out). */
function plain(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    }),
  ) as unknown;
}

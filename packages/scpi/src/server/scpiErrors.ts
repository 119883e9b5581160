/**
 * SCPI error codes and texts as the Red Pitaya server reports them (upstream scpi-parser texts for
 * the parser queue; `9000 + code` / `9500 + code` for failures inside the Red Pitaya API).
 */

/** Parser-level error codes (SCPI-99 numbers) with their upstream scpi-parser texts. */
export const SCPI_ERROR_TEXT: Readonly<Record<number, string>> = Object.freeze({
  0: 'No error',
  [-101]: 'Invalid character',
  [-102]: 'Syntax error',
  [-104]: 'Data type error',
  [-108]: 'Parameter not allowed',
  [-109]: 'Missing parameter',
  [-113]: 'Undefined header',
  [-131]: 'Invalid suffix',
  [-138]: 'Suffix not allowed',
  [-200]: 'Execution error',
  [-224]: 'Illegal parameter value',
  [-350]: 'Queue overflow',
  [-363]: 'Input buffer overrun',
});

/** Red Pitaya API error numbers (rp.h) that the simulated API reports. */
export const RP_API_ERROR = Object.freeze({
  /** "Value out of range." */
  EOOR: 6,
  /** "LED input direction is not valid." */
  ELID: 7,
  /** "Writing to input pin is not valid." */
  EWIP: 9,
  /** "Invalid Pin number." */
  EPN: 10,
  /** "Unsupported Feature." */
  EUF: 16,
  /** "Data not normalized" (a deep-memory generator sample outside −1…1). */
  ENN: 17,
  /** "Command not supported" (what the rp-api returns for deep memory on an FPGA without the DMA). */
  NOTS: 24,
});

/** rp_GetError texts for the numbers above. */
export const RP_API_ERROR_TEXT: Readonly<Record<number, string>> = Object.freeze({
  6: 'Value out of range.',
  7: 'LED input direction is not valid.',
  9: 'Writing to input pin is not valid.',
  10: 'Invalid Pin number.',
  16: 'Unsupported Feature.',
  17: 'Data not normalized',
  24: 'Command not supported',
});

/** Base of API error codes logged as errors (RP_ERR_CODE). */
export const RP_ERR_CODE = 9000;
/** Base of API error codes logged as critical (RP_ERR_CODE_FATAL). */
export const RP_ERR_CODE_FATAL = 9500;

/**
 * A parser-level failure of one command: the code goes to the parser queue. Thrown by parameter
 * readers and command bodies; the session catches it.
 */
export class ScpiCommandError extends Error {
  constructor(
    /** SCPI code, e.g. -109. */
    readonly code: number,
    /** Extra information appended after `;` in the queue text, if any. */
    readonly info?: string,
  ) {
    super(`${code},"${SCPI_ERROR_TEXT[code] ?? 'Error'}${info ? `;${info}` : ''}"`);
    this.name = 'ScpiCommandError';
  }
}

/**
 * A failure inside the (simulated) Red Pitaya API: goes to the API queue as `9500 + rpError`
 * (critical, the default as in most RP_LOG_CRIT call sites) or `9000 + rpError`, with the text
 * `*<command> <message>` as the real server writes it.
 */
export class ScpiApiError extends Error {
  constructor(
    /** rp.h error number, e.g. 6 for RP_EOOR. */
    readonly rpError: number,
    /** What failed, e.g. 'Failed to set frequency: Value out of range.' */
    readonly detail: string,
    /** Critical errors use base 9500, others 9000. */
    readonly critical = true,
  ) {
    super(detail);
    this.name = 'ScpiApiError';
  }
}

/** Builds the usual "Failed to set X: Value out of range." API error. */
export function outOfRange(what: string): ScpiApiError {
  return new ScpiApiError(RP_API_ERROR.EOOR, `Failed to set ${what}: ${RP_API_ERROR_TEXT[RP_API_ERROR.EOOR]}`);
}

/** One entry of an error queue. */
export interface ScpiErrorEntry {
  /** SCPI or API code. */
  readonly code: number;
  /** Text as `SYST:ERR?` quotes it. */
  readonly text: string;
}

/**
 * A bounded FIFO of errors. When full, the newest entry is replaced by `-350 Queue overflow`, as
 * the SCPI standard (and upstream scpi-parser) do, so a flood of bad input costs bounded memory.
 */
export class ScpiErrorQueue {
  private readonly items: ScpiErrorEntry[] = [];
  constructor(
    /** Capacity in entries (16 on the Red Pitaya's parser queue). */
    readonly capacity = 16,
  ) {}

  /** Number of queued errors. */
  get size(): number {
    return this.items.length;
  }

  /** Appends an error, or marks an overflow when full. */
  push(entry: ScpiErrorEntry): void {
    if (this.items.length < this.capacity) {
      this.items.push(entry);
      return;
    }
    this.items[this.items.length - 1] = { code: -350, text: SCPI_ERROR_TEXT[-350]! };
  }

  /** Removes and returns the oldest error, or undefined when empty. */
  shift(): ScpiErrorEntry | undefined {
    return this.items.shift();
  }

  /** Empties the queue. */
  clear(): void {
    this.items.length = 0;
  }
}

import type { ScpiErrorSink } from './errorSink.js';
import type { ScpiDevice } from './ScpiDevice.js';
import { ScpiApiError, ScpiCommandError, ScpiErrorQueue, RP_ERR_CODE, RP_ERR_CODE_FATAL, SCPI_ERROR_TEXT, type ScpiErrorEntry } from './scpiErrors.js';
import type { BlockFormat, ByteOrder } from './scpiFormat.js';
import { tokenizeParameters, ScpiParams } from './scpiParams.js';
import { composeHeader, parseProgramUnit, splitProgramMessage } from './splitProgramMessage.js';

/** What a command body gets. */
export interface ScpiCommandContext {
  /** The connection that sent the command (its format, byte order and error queues). */
  readonly session: ScpiSession;
  /** The board-level state every connection shares. */
  readonly device: ScpiDevice;
  /** The command's parameters, read in order. */
  readonly params: ScpiParams;
  /** Numeric suffixes of the pattern's `#` keywords (1 where none was sent). */
  readonly suffixes: readonly number[];
  /** The header as received with relative paths resolved (`SOUR1:FREQ:FIX`), for error texts. */
  readonly header: string;
}

/** A query's reply: text (sent as latin1) or bytes (an IEEE block). */
export type ScpiReply = string | Buffer;

/** One command: a pattern, a one-line doc, and its body. */
export interface ScpiCommand {
  /** Header pattern, e.g. `ACQ:SOUR#:DATA?` (see headerPattern.ts). */
  readonly pattern: string;
  /** What it does, starting with Set/Get/Measure/Control/Run, with units. */
  readonly doc: string;
  /** Runs the command; a query returns its reply. Throws ScpiCommandError or ScpiApiError on failure. */
  readonly run: (ctx: ScpiCommandContext) => ScpiReply | void;
}

/** A found command and the suffixes its header carried. */
export interface ScpiMatch {
  readonly command: ScpiCommand;
  readonly suffixes: readonly number[];
}

/** Finds the command for a header (the command table; an interface here so the session does not depend on the table). */
export interface ScpiCommandLookup {
  /** The command for a header with relative paths resolved, or null. */
  find(header: string): ScpiMatch | null;
}

/** Where a session writes its replies. */
export interface ScpiOutput {
  write(data: string | Buffer): void;
}

/** IEEE 488.2 event status bits. */
export const ESR = Object.freeze({ OPC: 0x01, QYE: 0x04, DDE: 0x08, EXE: 0x10, CME: 0x20 });
/** Status byte bits. */
export const STB = Object.freeze({ QUE: 0x04, ESB: 0x20, MSS: 0x40 });

/** Error texts are cut to this many characters, as upstream's SCPI_STD_ERROR_DESC_MAX_STRING_LENGTH. */
const MAX_ERROR_TEXT = 255;
/** The command name in API error texts is cut to this many characters (getCmdName's buffer). */
const MAX_COMMAND_NAME = 100;

/** A program message being executed unit by unit (so output back-pressure can pause between units). */
export interface MessageRun {
  /** Executes the next unit; returns false once the message is finished (its CRLF written if due). */
  step(): boolean;
}

/**
 * One client connection's view of the server: its own data format and byte order, its two error
 * queues (parser and API, 16 entries each), the IEEE status registers, and the execution of its
 * program messages with relative paths, `;`-joined replies and one CRLF per message — the upstream
 * scpi-parser rules as the Red Pitaya server uses them.
 */
export class ScpiSession implements ScpiErrorSink {
  /** ACQ:DATA:FORMAT (per connection). */
  format: BlockFormat = 'ASCII';
  /** ACQ:DATA:BYTE:ORDER (per connection here, so that one client cannot flip another's data). */
  byteOrder: ByteOrder = 'BEND';
  /**
   * RP:RET_ON_ERROR: a failed query replies with an empty field/line. The firmware keeps it in a
   * global; here it is per connection, so that a driver enabling it cannot change what other clients see.
   */
  retOnError = false;
  /** Parser error queue. */
  readonly errors = new ScpiErrorQueue(16);
  /** API error queue, read first by SYST:ERR? (unbounded on the firmware; bounded here). */
  readonly apiErrors = new ScpiErrorQueue(16);
  /** *ESR: event status register (read and cleared by *ESR?). */
  esr = 0;
  /** *ESE: event status enable mask. */
  ese = 0;
  /** *SRE: service request enable mask. */
  sre = 0;

  constructor(
    readonly device: ScpiDevice,
    readonly commands: ScpiCommandLookup,
    private readonly out: ScpiOutput,
  ) {}

  /** Total queued errors (SYST:ERR:COUN?). */
  get errorCount(): number {
    return this.errors.size + this.apiErrors.size;
  }

  /** *STB?: error queue, event summary and master summary bits. */
  get statusByte(): number {
    let stb = this.errorCount > 0 ? STB.QUE : 0;
    if (this.esr & this.ese) stb |= STB.ESB;
    if (stb & this.sre) stb |= STB.MSS;
    return stb;
  }

  /** Pushes a parser error (code −1xx…−3xx) with optional device-dependent info. */
  pushError(code: number, info?: string): void {
    const base = SCPI_ERROR_TEXT[code] ?? 'Error';
    const text = (info ? `${base};${info}` : base).slice(0, MAX_ERROR_TEXT);
    this.errors.push({ code, text });
    if (code <= -100 && code > -200) this.esr |= ESR.CME;
    else if (code <= -200 && code > -300) this.esr |= ESR.EXE;
    else if (code <= -300 && code > -400) this.esr |= ESR.DDE;
    else if (code <= -400 && code > -500) this.esr |= ESR.QYE;
  }

  /** Pushes an API error: `9500 + n` (critical) or `9000 + n`, text `*<command> <detail>`. */
  pushApiError(error: ScpiApiError, command: string): void {
    const code = (error.critical ? RP_ERR_CODE_FATAL : RP_ERR_CODE) + error.rpError;
    this.apiErrors.push({ code, text: `*${command.slice(0, MAX_COMMAND_NAME)} ${error.detail}`.slice(0, MAX_ERROR_TEXT) });
    this.esr |= ESR.EXE;
  }

  /** SYST:ERR?: the API queue first, then the parser queue; `0,"No error"` when both are empty. */
  popError(): ScpiErrorEntry {
    return this.apiErrors.shift() ?? this.errors.shift() ?? { code: 0, text: SCPI_ERROR_TEXT[0]! };
  }

  /** *CLS */
  clearStatus(): void {
    this.errors.clear();
    this.apiErrors.clear();
    this.esr = 0;
  }

  /** Starts executing one program message (a line, or an LF-separated part of one). */
  begin(message: string): MessageRun {
    const units = splitProgramMessage(message);
    let index = 0;
    let previous = '';
    // upstream's first_output: TRUE until something (or an error's empty field) was written.
    let firstOutput = true;
    return {
      step: () => {
        if (index >= units.length) {
          if (!firstOutput) this.out.write('\r\n');
          firstOutput = true;
          return false;
        }
        const unit = units[index++]!;
        const parsed = parseProgramUnit(unit);
        if (parsed === null) return true;
        if (parsed === 'invalid') {
          this.pushError(-101);
          return true;
        }
        const header = composeHeader(previous, parsed.header);
        const match = this.commands.find(header);
        if (!match) {
          this.pushError(-113, unit.trim());
          return true;
        }
        const isQuery = header.endsWith('?');
        if (!firstOutput && isQuery) this.out.write(';');
        const params = new ScpiParams(tokenizeParameters(parsed.parameters));
        let reply: ScpiReply | void = undefined;
        let failed = false;
        try {
          reply = match.command.run({ session: this, device: this.device, params, suffixes: match.suffixes, header });
        } catch (err) {
          failed = true;
          if (err instanceof ScpiCommandError) this.pushError(err.code, err.info);
          else if (err instanceof ScpiApiError) this.pushApiError(err, header);
          // A bug in a command body: reported to the client as −200 with its message, never dropped.
          else this.pushError(-200, String((err as Error)?.message ?? err));
        }
        if (!failed) {
          if (reply !== undefined) {
            this.out.write(reply);
            firstOutput = false;
          }
          if (params.hasMore) this.pushError(-108);
        } else if (isQuery && this.retOnError) {
          firstOutput = false; // requestSendNewLine: the client gets an empty field instead of a timeout
        }
        previous = header;
        return true;
      },
    };
  }
}

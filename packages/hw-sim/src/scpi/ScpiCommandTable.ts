import { compileHeaderPattern, type HeaderPattern } from './headerPattern.js';
import type { ScpiParams } from './scpiParams.js';
import type { ScpiDevice } from './ScpiDevice.js';
import type { ScpiSession } from './ScpiSession.js';

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

/** Declares a command. */
export function command(pattern: string, doc: string, run: ScpiCommand['run']): ScpiCommand {
  return { pattern, doc, run };
}

/**
 * Declares a setting as one setter and one query (`ACQ:DEC` and `ACQ:DEC?`), pymeasure-style:
 * one declaration per setting.
 */
export function control(pattern: string, doc: string, body: { get: (ctx: ScpiCommandContext) => ScpiReply; set: (ctx: ScpiCommandContext) => void }): ScpiCommand[] {
  return [command(pattern, doc, body.set), command(`${pattern}?`, doc, body.get)];
}

interface Compiled {
  readonly command: ScpiCommand;
  readonly pattern: HeaderPattern;
}

/** A found command and the suffixes its header carried. */
export interface ScpiMatch {
  readonly command: ScpiCommand;
  readonly suffixes: readonly number[];
}

const CACHE_LIMIT = 4096;

/**
 * An ordered list of commands. As in the Red Pitaya server, the first matching pattern wins, so
 * both-channel forms (`OUTPUT:STATE`) are listed before the per-channel ones (`OUTPUT#:STATE`).
 */
export class ScpiCommandTable {
  private readonly compiled: readonly Compiled[];
  // Clients repeat the same few headers; caching spares the pattern walk on hot paths (data reads).
  private readonly cache = new Map<string, ScpiMatch | null>();

  constructor(readonly commands: readonly ScpiCommand[]) {
    this.compiled = commands.map((c) => ({ command: c, pattern: compileHeaderPattern(c.pattern) }));
  }

  /** Every pattern, in order (for `SYST:Help?`). */
  get patterns(): string[] {
    return this.commands.map((c) => c.pattern);
  }

  /** Finds the command for a header (relative paths already resolved), or null. */
  find(header: string): ScpiMatch | null {
    const key = header.toUpperCase();
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let found: ScpiMatch | null = null;
    for (const c of this.compiled) {
      const suffixes = c.pattern.match(header);
      if (suffixes) {
        found = { command: c.command, suffixes };
        break;
      }
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }
}

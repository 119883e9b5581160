import { compileHeaderPattern, type HeaderPattern } from './headerPattern.js';
import type { ScpiControl } from '../protocol/redPitayaScpi.js';
import type { ScpiCommand, ScpiCommandContext, ScpiCommandLookup, ScpiMatch, ScpiReply } from './ScpiSession.js';

export type { ScpiCommand, ScpiCommandContext, ScpiMatch, ScpiReply } from './ScpiSession.js';

/** Declares a command. */
export function command(pattern: string, doc: string, run: ScpiCommand['run']): ScpiCommand {
  return { pattern, doc, run };
}

/**
 * Declares a setting as one setter and one query (`ACQ:DEC` and `ACQ:DEC?`), pymeasure-style:
 * one declaration per setting.
 */
export function control(pattern: string, doc: string, body: ControlBody): ScpiCommand[];
/** Declares a setting of the shared protocol table (`RP_SCPI`): header and doc come from there. */
export function control(shared: ScpiControl<unknown>, body: ControlBody): ScpiCommand[];
export function control(a: string | ScpiControl<unknown>, b: string | ControlBody, c?: ControlBody): ScpiCommand[] {
  const [pattern, doc, body] = typeof a === 'string' ? [a, b as string, c!] : [a.header, a.doc, b as ControlBody];
  const set = command(pattern, doc, body.set);
  return typeof a !== 'string' && !a.query ? [set] : [set, command(`${pattern}?`, doc, body.get)];
}

/** The two bodies of a setting: the query's reply and the setter. */
export interface ControlBody {
  readonly get: (ctx: ScpiCommandContext) => ScpiReply;
  readonly set: (ctx: ScpiCommandContext) => void;
}

interface Compiled {
  readonly command: ScpiCommand;
  readonly pattern: HeaderPattern;
}

const CACHE_LIMIT = 4096;

/**
 * An ordered list of commands. As in the Red Pitaya server, the first matching pattern wins, so
 * both-channel forms (`OUTPUT:STATE`) are listed before the per-channel ones (`OUTPUT#:STATE`).
 */
export class ScpiCommandTable implements ScpiCommandLookup {
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

/**
 * Splits one program message (no terminator) into its units at `;` outside quoted strings.
 * Empty units are kept (as '') so that error positions stay faithful; the session skips them.
 */
export function splitProgramMessage(message: string): string[] {
  if (!message.includes(';')) return [message];
  const out: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < message.length; i++) {
    const c = message[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ';') {
      out.push(message.slice(start, i));
      start = i + 1;
    }
  }
  out.push(message.slice(start));
  return out;
}

/** A header followed by its parameter section. */
export interface ProgramUnit {
  /** The header as sent (`:ACQ:DEC`, `*IDN?`, `fill?`). */
  readonly header: string;
  /** Everything after the header's whitespace. */
  readonly parameters: string;
}

// Headers: optional ':' then keywords (letters, digits, '_') joined by ':', or a '*' common command; optional '?'.
const HEADER = /^(?::?[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_][A-Za-z0-9_]*)*|\*[A-Za-z]+)\??$/;

/**
 * Parses one unit. Returns null for an empty unit and 'invalid' when the header holds characters no
 * header may hold (random bytes): the upstream parser reports those as −101 Invalid character.
 */
export function parseProgramUnit(unit: string): ProgramUnit | null | 'invalid' {
  // Whitespace: space, tab, and a bare CR (only CRLF ends a line).
  const m = /^[ \t\r]*([^ \t\r]*)[ \t\r]*([\s\S]*)$/.exec(unit)!;
  const header = m[1]!;
  if (header === '') return m[2]!.trim() === '' ? null : 'invalid';
  if (!HEADER.test(header)) return 'invalid';
  return { header, parameters: m[2]!.replace(/[ \t\r]+$/, '') };
}

/**
 * Resolves a relative header against the previous one, as upstream scpi-parser's
 * composeCompoundCommand does: `ACQ:TRig:LEV 0.1;DLY 0` runs `ACQ:TRig:DLY`. Absolute (`:…`) and common
 * (`*…`) headers, and anything after a common command, stand as they are.
 */
export function composeHeader(previous: string, current: string): string {
  if (previous === '' || current === '') return current;
  if (current.startsWith(':') || current.startsWith('*') || previous.startsWith('*')) return current;
  const i = previous.lastIndexOf(':');
  return i < 0 ? current : previous.slice(0, i + 1) + current;
}

/**
 * SCPI header patterns as the Red Pitaya server writes them: `ACQ:SOUR#:DATA:STArt:N?`.
 * Upper-case letters are the short form, the whole keyword the long form (either matches, in any
 * case); `#` allows a numeric suffix (default 1); `[...]` is optional; a trailing `?` marks a query.
 */

interface Keyword {
  /** Short form, upper case ('TR' for 'TRig'). */
  readonly short: string;
  /** Long form, upper case ('TRIG'). */
  readonly long: string;
  /** Accepts a numeric suffix (`SOUR#`). */
  readonly numeric: boolean;
  /** May be left out (`[:NEXT]`). */
  readonly optional: boolean;
}

/** A compiled header pattern. */
export interface HeaderPattern {
  /** The pattern as declared. */
  readonly source: string;
  /** True for query patterns (ending in `?`). */
  readonly query: boolean;
  /**
   * Matches a header as received (leading `:` allowed, any case). Returns the numeric suffixes
   * of the `#` keywords (1 where none was given), or null when the header does not match.
   */
  match(header: string): number[] | null;
}

function parseKeyword(word: string, optional: boolean): Keyword {
  const numeric = word.endsWith('#');
  const body = numeric ? word.slice(0, -1) : word;
  let i = 0;
  // The short form is the leading run of upper-case letters, digits, '*' and '_'.
  while (i < body.length && /[A-Z0-9*_]/.test(body[i]!)) i++;
  return { short: body.slice(0, i).toUpperCase(), long: body.toUpperCase(), numeric, optional };
}

/** Compiles a pattern such as `SYSTem:ERRor[:NEXT]?` or `ACQ:SOUR#:GAIN`. */
export function compileHeaderPattern(source: string): HeaderPattern {
  const query = source.endsWith('?');
  const body = query ? source.slice(0, -1) : source;
  const keywords: Keyword[] = [];
  // Split into plain and [optional] segments, then at ':'.
  for (const m of body.matchAll(/\[([^\]]*)\]|([^[\]]+)/g)) {
    const optional = m[1] !== undefined;
    for (const w of (m[1] ?? m[2]!).split(':')) if (w) keywords.push(parseKeyword(w, optional));
  }

  function matchWord(k: Keyword, word: string): number | null {
    const upper = word.toUpperCase();
    let name = upper;
    let suffix = 1;
    if (k.numeric) {
      const m = /^(.*?)(\d+)$/.exec(upper);
      if (m && m[1]) {
        name = m[1];
        suffix = Number(m[2]);
      }
    }
    return name === k.short || name === k.long ? suffix : null;
  }

  function walk(ki: number, words: readonly string[], wi: number, out: number[]): number[] | null {
    if (ki === keywords.length) return wi === words.length ? out : null;
    const k = keywords[ki]!;
    if (wi < words.length) {
      const s = matchWord(k, words[wi]!);
      if (s !== null) {
        const r = walk(ki + 1, words, wi + 1, k.numeric ? [...out, s] : out);
        if (r) return r;
      }
    }
    return k.optional ? walk(ki + 1, words, wi, k.numeric ? [...out, 1] : out) : null;
  }

  return {
    source,
    query,
    match(header: string) {
      let h = header.startsWith(':') ? header.slice(1) : header;
      const isQuery = h.endsWith('?');
      if (isQuery !== query) return null;
      if (isQuery) h = h.slice(0, -1);
      return walk(0, h.split(':'), 0, []);
    },
  };
}

import { ScpiCommandError } from './scpiErrors.js';

/** Unit families a numeric parameter may carry as a suffix (`125 mV`, `1.5 MHz`). */
export type ScpiUnit = 'V' | 'Hz' | 's' | 'deg';

// SCPI suffixes are case-insensitive, so "M" means milli except in MHZ (mega), as in scpi-parser.
const UNIT_SCALE: Readonly<Record<ScpiUnit, Readonly<Record<string, number>>>> = {
  V: { V: 1, MV: 1e-3, UV: 1e-6, NV: 1e-9, KV: 1e3 },
  Hz: { HZ: 1, KHZ: 1e3, MHZ: 1e6, GHZ: 1e9 },
  s: { S: 1, MS: 1e-3, US: 1e-6, NS: 1e-9 },
  deg: { DEG: 1 },
};

/** One received parameter, classified as the upstream lexer would. */
export type ScpiToken =
  | { readonly kind: 'number'; readonly value: number; readonly suffix: string; readonly text: string }
  | { readonly kind: 'mnemonic'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string; readonly text: string }
  | { readonly kind: 'other'; readonly text: string };

const NUMBER = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)$/;
const MNEMONIC = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Classifies one comma-separated parameter (already trimmed). */
export function classifyToken(text: string): ScpiToken {
  const n = NUMBER.exec(text);
  if (n) return { kind: 'number', value: Number(n[1]), suffix: n[2]!.toUpperCase(), text };
  if (MNEMONIC.test(text)) return { kind: 'mnemonic', text };
  const q = text[0];
  if ((q === '"' || q === "'") && text.length >= 2 && text.endsWith(q)) {
    return { kind: 'string', value: text.slice(1, -1).split(q + q).join(q), text };
  }
  return { kind: 'other', text };
}

/**
 * Splits a parameter section at commas outside quotes and classifies each part. An empty section
 * gives no parameters; an empty part between commas is kept as an `other` token (a syntax error when read).
 */
export function tokenizeParameters(section: string): ScpiToken[] {
  const out: ScpiToken[] = [];
  if (section.trim() === '') return out;
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i <= section.length; i++) {
    const c = section[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === ',' || i === section.length) {
      out.push(classifyToken(section.slice(start, i).trim()));
      start = i + 1;
    }
  }
  return out;
}

/**
 * Reads a command's parameters in order, with the upstream parser's error codes: −109 when a
 * mandatory one is missing, −104 when its type is wrong, −224 for an unknown choice, −131/−138 for a
 * bad unit suffix, and (via `end`) −108 when parameters are left over.
 */
export class ScpiParams {
  private next = 0;
  constructor(private readonly tokens: readonly ScpiToken[]) {}

  /** Number of parameters received. */
  get count(): number {
    return this.tokens.length;
  }

  /** True when a further parameter is waiting. */
  get hasMore(): boolean {
    return this.next < this.tokens.length;
  }

  private take(): ScpiToken {
    const t = this.tokens[this.next];
    if (t === undefined) throw new ScpiCommandError(-109);
    this.next++;
    return t;
  }

  /** Reads a number; with `unit`, an SI-prefixed suffix of that unit is accepted and applied. */
  number(unit?: ScpiUnit): number {
    const t = this.take();
    if (t.kind !== 'number') throw new ScpiCommandError(t.kind === 'other' && t.text === '' ? -109 : -104);
    if (t.suffix === '') return t.value;
    if (!unit) throw new ScpiCommandError(-138);
    const scale = UNIT_SCALE[unit][t.suffix];
    if (scale === undefined) throw new ScpiCommandError(-131);
    return t.value * scale;
  }

  /** Reads an integer (a number without fraction or suffix). */
  int(): number {
    const v = this.number();
    if (!Number.isInteger(v)) throw new ScpiCommandError(-104);
    return v;
  }

  /** Reads a boolean: ON/OFF or a number (non-zero is ON). */
  bool(): boolean {
    const t = this.take();
    if (t.kind === 'number' && t.suffix === '') return t.value !== 0;
    if (t.kind !== 'mnemonic') throw new ScpiCommandError(-104);
    const u = t.text.toUpperCase();
    if (u === 'ON') return true;
    if (u === 'OFF') return false;
    throw new ScpiCommandError(-224);
  }

  /** Reads one of `choices` (case-insensitive) and returns it as declared. */
  choice<const T extends string>(choices: readonly T[]): T {
    const t = this.take();
    if (t.kind !== 'mnemonic') throw new ScpiCommandError(t.kind === 'other' && t.text === '' ? -109 : -104);
    const u = t.text.toUpperCase();
    const hit = choices.find((c) => c.toUpperCase() === u);
    if (hit === undefined) throw new ScpiCommandError(-224);
    return hit;
  }

  /** Reads a parameter as plain characters (mnemonic, string contents or raw text). */
  text(): string {
    const t = this.take();
    if (t.kind === 'string') return t.value;
    if (t.text === '') throw new ScpiCommandError(-109);
    return t.text;
  }

  /** Reads every remaining parameter as a number. */
  numbers(): number[] {
    const out: number[] = [];
    while (this.hasMore) out.push(this.number());
    return out;
  }

  /** Throws −108 when parameters are left unread. */
  end(): void {
    if (this.hasMore) throw new ScpiCommandError(-108);
  }
}

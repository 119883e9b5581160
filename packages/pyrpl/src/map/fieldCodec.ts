/**
 * How one FPGA register field holds a value, and the conversions register word ⇄ physical value,
 * with PyRPL's rounding and saturation (pyrpl/attributes.py: FloatRegister.from_python/to_python,
 * lines 541-583; BoolRegister 298-310; IntRegister 444-448).
 */

/** A field of `bits` bits at bit `shift` of a 32-bit word. */
export interface FieldLayout {
  /** Width in bits (1…32). */
  readonly bits: number;
  /** Position of the least significant bit in the word (default 0). */
  readonly shift?: number;
}

/** A fixed-point number: physical = (two's-complement or unsigned integer) / norm. */
export interface FixedPointField extends FieldLayout {
  readonly kind: 'fixed';
  /** Integer value that stands for 1 physical unit (PyRPL's `norm`). */
  readonly norm: number;
  /** Two's complement (true) or unsigned (false). */
  readonly signed: boolean;
  /** Unit of the physical value ('V', 'Hz', 'deg', '1', …). */
  readonly unit: string;
}

/** A plain unsigned integer. */
export interface IntField extends FieldLayout {
  readonly kind: 'int';
}

/** A choice among named codes. */
export interface SelectField extends FieldLayout {
  readonly kind: 'select';
  readonly options: Readonly<Record<string, number>>;
}

/** Any field that converts. */
export type Field = FixedPointField | IntField | SelectField;

function mask(bits: number): number {
  return bits >= 32 ? 0xffffffff : 2 ** bits - 1;
}

/** The field's raw bits (unshifted, unsigned) in `word`. */
export function fieldBits(field: FieldLayout, word: number): number {
  const shift = field.shift ?? 0;
  return Math.floor((word >>> 0) / 2 ** shift) % 2 ** field.bits;
}

/** `word` with the field's bits replaced by `raw` (unsigned, unshifted). */
export function withFieldBits(field: FieldLayout, word: number, raw: number): number {
  const shift = field.shift ?? 0;
  const m = mask(field.bits);
  const cleared = (word >>> 0) - fieldBits(field, word) * 2 ** shift;
  return (cleared + (raw % (m + 1)) * 2 ** shift) >>> 0;
}

/** The signed (two's complement) value of `raw`, an unsigned `bits`-bit integer. */
export function toSigned(raw: number, bits: number): number {
  return raw >= 2 ** (bits - 1) ? raw - 2 ** bits : raw;
}

/** The unsigned `bits`-bit pattern of the signed integer `value` (which must fit). */
export function fromSigned(value: number, bits: number): number {
  return value < 0 ? value + 2 ** bits : value;
}

/**
 * The integer a fixed-point field stores for `physical`, as PyRPL computes it: round(x·norm); a
 * non-zero x that rounds to 0 becomes ±1; saturates to the field's range (unsigned fields take |x|).
 * Returns the unsigned raw bits (two's complement for signed fields).
 */
export function encodeFixed(field: FixedPointField, physical: number): number {
  let v = Math.round(physical * field.norm);
  if (v === 0 && physical > 0) v = 1;
  else if (v === 0 && physical < 0) v = -1;
  if (field.signed) {
    const hi = 2 ** (field.bits - 1);
    v = Math.min(hi - 1, Math.max(-hi, v));
    return fromSigned(v, field.bits);
  }
  v = Math.abs(v);
  return Math.min(2 ** field.bits - 1, v);
}

/** The physical value of a fixed-point field's unsigned raw bits. */
export function decodeFixed(field: FixedPointField, raw: number): number {
  return (field.signed ? toSigned(raw, field.bits) : raw) / field.norm;
}

/** The register word with `field` set to `value` (physical for fixed-point, option name for select). */
export function encodeField(field: Field, value: number | string, word = 0): number {
  switch (field.kind) {
    case 'fixed':
      return withFieldBits(field, word, encodeFixed(field, value as number));
    case 'int':
      return withFieldBits(field, word, Math.max(0, Math.min(mask(field.bits), Math.round(value as number))));
    case 'select': {
      const code = field.options[value as string];
      if (code === undefined) throw new RangeError(`unknown option ${String(value)}`);
      return withFieldBits(field, word, code);
    }
  }
}

/** The value of `field` in `word`: physical for fixed-point, the option name (or the raw code) for select. */
export function decodeField(field: Field, word: number): number | string {
  const raw = fieldBits(field, word);
  switch (field.kind) {
    case 'fixed':
      return decodeFixed(field, raw);
    case 'int':
      return raw;
    case 'select': {
      for (const [name, code] of Object.entries(field.options)) if (code === raw) return name;
      return raw;
    }
  }
}

/** The range of a fixed-point field in physical units: [lowest, highest] value its register holds. */
export function fixedPointRange(f: FixedPointField): [number, number] {
  const top = f.signed ? 2 ** (f.bits - 1) : 2 ** f.bits;
  return [f.signed ? -top / f.norm : 0, (top - 1) / f.norm];
}

import { cmul, isIdentity, markIdentity, type Complex, type Dut } from './Dut.js';

/**
 * Devices in series: H(f) = Π H_i(f) (no loading between stages). `chain()` with no device is a wire.
 *
 * @example chain(lowpass({ cutoff: 1e6 }), delay({ seconds: 20e-9 }))
 */
export function chain(...duts: Dut[]): Dut {
  const parts = duts.slice();
  const specs = parts.map((d) => d.spec);
  const dut: Dut = Object.freeze({
    // plain data only when every part has it (a custom Dut may carry only its function)
    ...(specs.every((x) => x !== undefined) ? { spec: { kind: 'chain' as const, parts: specs } } : {}),
    name: parts.length === 0 ? 'wire' : parts.map((d) => d.name).join(' → '),
    response(f: number) {
      let h: Complex = { re: 1, im: 0 };
      for (const d of parts) h = cmul(h, d.response(f));
      return h;
    },
  });
  return parts.every(isIdentity) ? markIdentity(dut) : dut;
}

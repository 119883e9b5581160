import { markIdentity, type Dut } from './Dut.js';

const WIRE: Dut = markIdentity(
  Object.freeze({
    spec: { kind: 'wire' as const },
    name: 'wire',
    response: () => ({ re: 1, im: 0 }),
  }),
);

/** A plain connection, H(f) = 1 at every frequency (the default DUT). */
export function wire(): Dut {
  return WIRE;
}

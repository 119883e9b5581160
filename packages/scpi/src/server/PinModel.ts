import { outOfRange, RP_API_ERROR, ScpiApiError } from './scpiErrors.js';

/** Digital pins of `DIG:PIN`: 8 LEDs and the DIO0–7 lines, P and N. */
export const DIGITAL_PINS: readonly string[] = Object.freeze([
  ...Array.from({ length: 8 }, (_, i) => `LED${i}`),
  ...Array.from({ length: 8 }, (_, i) => `DIO${i}_P`),
  ...Array.from({ length: 8 }, (_, i) => `DIO${i}_N`),
]);
/** Slow analog outputs (0–1.8 V). */
export const ANALOG_OUTPUTS: readonly string[] = Object.freeze(['AOUT0', 'AOUT1', 'AOUT2', 'AOUT3']);
/** Slow analog inputs (0–3.3 V). */
export const ANALOG_INPUTS: readonly string[] = Object.freeze(['AIN0', 'AIN1', 'AIN2', 'AIN3']);
/** Full scale of the slow outputs in volts. */
export const AOUT_MAX_V = 1.8;

/**
 * The slow I/O: LEDs and DIO lines with their directions, four slow outputs and four slow inputs.
 * Nothing is wired to the simulated connectors, so DIO inputs read 0 and AIN inputs read 0 V.
 */
export class PinModel {
  private readonly state = new Map<string, 0 | 1>();
  private readonly output = new Set<string>();
  private readonly aout = [0, 0, 0, 0];

  constructor() {
    this.resetDigital();
  }

  /** DIG:RST: LEDs off, every DIO line an input at 0. */
  resetDigital(): void {
    this.state.clear();
    this.output.clear();
    for (const p of DIGITAL_PINS) {
      this.state.set(p, 0);
      if (p.startsWith('LED')) this.output.add(p);
    }
  }

  /** ANALOG:RST: every slow output at 0 V. */
  resetAnalog(): void {
    this.aout.fill(0);
  }

  /** DIG:PIN <pin>,<0|1>; writing a DIO line set as input fails as on the API (RP_EWIP). */
  setDigital(pin: string, value: 0 | 1): void {
    if (!this.output.has(pin)) throw new ScpiApiError(RP_API_ERROR.EWIP, 'Failed to set pin state: Writing to input pin is not valid.');
    this.state.set(pin, value);
  }

  /** DIG:PIN? <pin>: outputs read back what was written; unconnected inputs read 0. */
  getDigital(pin: string): 0 | 1 {
    return this.output.has(pin) ? (this.state.get(pin) ?? 0) : 0;
  }

  /** DIG:PIN:DIR IN|OUT,<pin>; LEDs are outputs only (RP_ELID). */
  setDirection(pin: string, direction: 'IN' | 'OUT'): void {
    if (pin.startsWith('LED')) {
      if (direction === 'IN') throw new ScpiApiError(RP_API_ERROR.ELID, 'Failed to set pin direction: LED input direction is not valid.');
      return;
    }
    if (direction === 'OUT') this.output.add(pin);
    else this.output.delete(pin);
  }

  /** DIG:PIN:DIR? <pin> */
  getDirection(pin: string): 'IN' | 'OUT' {
    return this.output.has(pin) ? 'OUT' : 'IN';
  }

  /** ANALOG:PIN AOUTn,<V> (0 to 1.8 V). */
  setAnalogOut(pin: string, volts: number): void {
    if (!(volts >= 0 && volts <= AOUT_MAX_V)) throw outOfRange('analog pin value');
    this.aout[ANALOG_OUTPUTS.indexOf(pin)] = Math.fround(volts);
  }

  /** ANALOG:PIN? AOUTn|AINn in volts. */
  getAnalog(pin: string): number {
    const i = ANALOG_OUTPUTS.indexOf(pin);
    return i >= 0 ? this.aout[i]! : 0;
  }
}

import { ScpiCommandError } from './scpiErrors.js';
import { ANALOG_INPUTS, ANALOG_OUTPUTS, DIGITAL_PINS } from './PinModel.js';
import { command, type ScpiCommand, type ScpiCommandContext } from './ScpiCommandTable.js';
import { formatG } from './scpiFormat.js';

function pin(c: ScpiCommandContext, names: readonly string[]): string {
  return c.params.choice(names);
}

function bit(c: ScpiCommandContext): 0 | 1 {
  const v = c.params.int();
  if (v !== 0 && v !== 1) throw new ScpiCommandError(-224);
  return v;
}

/** Digital and slow analog I/O (reference §1, all versions). */
export const PIN_COMMANDS: readonly ScpiCommand[] = [
  command('DIG:RST', 'Run: reset LEDs and DIO lines (inputs, 0).', (c) => c.device.pins.resetDigital()),
  command('DIG:PIN', 'Set a digital pin: <pin>,<0|1>.', (c) => {
    const p = pin(c, DIGITAL_PINS);
    c.device.pins.setDigital(p, bit(c));
  }),
  command('DIG:PIN?', 'Measure a digital pin: 0 or 1.', (c) => String(c.device.pins.getDigital(pin(c, DIGITAL_PINS)))),
  command('DIG:PIN:DIR', 'Set a pin direction: IN|OUT,<pin> (direction first).', (c) => {
    const dir = c.params.choice(['IN', 'OUT'] as const);
    c.device.pins.setDirection(pin(c, DIGITAL_PINS), dir);
  }),
  command('DIG:PIN:DIR?', 'Get a pin direction: IN or OUT.', (c) => c.device.pins.getDirection(pin(c, DIGITAL_PINS))),
  command('ANALOG:RST', 'Run: set every slow output to 0 V.', (c) => c.device.pins.resetAnalog()),
  command('ANALOG:PIN', 'Set a slow output in V: AOUT0..3,<0…1.8>.', (c) => {
    const p = pin(c, ANALOG_OUTPUTS);
    c.device.pins.setAnalogOut(p, c.params.number('V'));
  }),
  command('ANALOG:PIN?', 'Measure a slow input or output in V (%g).', (c) => formatG(c.device.pins.getAnalog(pin(c, [...ANALOG_OUTPUTS, ...ANALOG_INPUTS])))),
];

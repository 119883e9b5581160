import { RP_COMMANDS, RP_SCPI } from '../protocol/redPitayaScpi.js';
import { dacChannel, floatReply } from './commandHelpers.js';
import { GEN_BURST_MODES, GEN_FUNCTIONS, GEN_TRIGGER_SOURCES, type GenState } from './GeneratorModel.js';
import { command, control, type ScpiCommand, type ScpiCommandContext } from './ScpiCommandTable.js';
import { outOfRange } from './scpiErrors.js';
import { formatG } from './scpiFormat.js';

/** Applies a change to the generator of the header's `<n>`. */
function update(c: ScpiCommandContext, change: Partial<GenState>, what: string): void {
  c.device.gen[dacChannel(c)]!.update(change, what, c.session, c.header);
}

function state(c: ScpiCommandContext): GenState {
  return c.device.gen[dacChannel(c)]!.state;
}

/** Reads an integer setting in [min, max] ('Value out of range.' otherwise). */
function intIn(c: ScpiCommandContext, min: number, max: number, what: string): number {
  const v = c.params.int();
  if (v < min || v > max) throw outOfRange(what);
  return v;
}

/** Generation commands of firmware 2.07 (reference §1, Generation). */
export const GENERATE_COMMANDS: readonly ScpiCommand[] = [
  command('GEN:RST', 'Run: reset both generators to their defaults (outputs off, deep-memory generation off).', (c) => {
    c.device.deepGen.reset();
    for (const g of c.device.gen) g.reset(c.session, c.header);
  }),
  command('PHAS:ALIGN', 'Run: restart both generators in phase.', (c) => {
    for (const g of c.device.gen) g.update({ triggered: true }, 'phase alignment', c.session, c.header);
  }),
  // Both-channel forms first: the first matching pattern wins.
  command('OUTPUT:STATE', 'Set both outputs ON or OFF.', (c) => {
    const on = c.params.bool();
    for (const g of c.device.gen) g.update({ output: on }, 'output state', c.session, c.header);
  }),
  ...control(RP_SCPI.genOutput, {
    get: (c) => (state(c).output ? 'ON' : 'OFF'),
    set: (c) => update(c, { output: c.params.bool() }, 'output state'),
  }),
  command('SOUR:TRig:INT', 'Run: trigger both generators together.', (c) => {
    for (const g of c.device.gen) g.trigger(c.session, c.header);
  }),
  ...control(RP_SCPI.genFrequency, {
    get: (c) => formatG(Math.fround(state(c).frequency)),
    set: (c) => update(c, { frequency: c.params.number('Hz') }, 'frequency'),
  }),
  ...control(RP_SCPI.genFunction, {
    get: (c) => state(c).func,
    set: (c) => update(c, { func: c.params.choice(GEN_FUNCTIONS) }, 'waveform'),
  }),
  ...control(RP_SCPI.genAmplitude, {
    get: (c) => formatG(Math.fround(state(c).amplitude)),
    set: (c) => update(c, { amplitude: c.params.number('V') }, 'amplitude'),
  }),
  ...control(RP_SCPI.genOffset, {
    get: (c) => formatG(Math.fround(state(c).offset)),
    set: (c) => update(c, { offset: c.params.number('V') }, 'offset'),
  }),
  ...control(RP_SCPI.genPhase, {
    get: (c) => formatG(Math.fround(state(c).phase)),
    set: (c) => update(c, { phase: c.params.number('deg') }, 'phase'),
  }),
  ...control('SOUR#:DCYC', 'Control the PWM duty cycle (0 to 1).', {
    get: (c) => formatG(Math.fround(state(c).dutyCycle)),
    set: (c) => {
      const v = c.params.number();
      if (!(v >= 0 && v <= 1)) throw outOfRange('duty cycle');
      update(c, { dutyCycle: v }, 'duty cycle');
    },
  }),
  ...control(RP_COMMANDS.genArbitrary, 'Control the arbitrary waveform: 1 to 16384 values in −1…1, scaled by VOLT (query follows ACQ:DATA:FORMAT).', {
    get: (c) => floatReply(c, state(c).arbitrary ?? new Float32Array(0)),
    set: (c) => {
      const ch = dacChannel(c);
      const values = c.params.numbers();
      if (values.length === 0) throw outOfRange('arbitrary waveform');
      if (values.length > c.device.board.info.bufferSize || values.some((v) => !(v >= -1 && v <= 1))) throw outOfRange('arbitrary waveform');
      c.device.gen[ch]!.update({ arbitrary: Float32Array.from(values) }, 'arbitrary waveform', c.session, c.header);
    },
  }),
  ...control(RP_SCPI.genBurstMode, {
    get: (c) => state(c).burstMode,
    set: (c) => update(c, { burstMode: c.params.choice(GEN_BURST_MODES) }, 'generate mode'),
  }),
  ...control(RP_SCPI.genBurstCycles, {
    get: (c) => String(state(c).burstCycles),
    set: (c) => update(c, { burstCycles: intIn(c, 1, 65535, 'burst count') }, 'burst count'),
  }),
  ...control(RP_SCPI.genBurstCount, {
    get: (c) => String(state(c).burstRepetitions),
    set: (c) => update(c, { burstRepetitions: intIn(c, 1, 65536, 'burst repetitions') }, 'burst repetitions'),
  }),
  ...control(RP_SCPI.genBurstPeriod, {
    get: (c) => formatG(state(c).burstPeriodUs),
    set: (c) => {
      const v = c.params.number();
      if (!(v >= 1 && v <= 4e6)) throw outOfRange('burst period');
      update(c, { burstPeriodUs: v }, 'burst period');
    },
  }),
  ...control(RP_SCPI.genLastValue, {
    get: (c) => formatG(Math.fround(state(c).lastValue)),
    set: (c) => {
      const v = c.params.number('V');
      if (!(Math.abs(v) <= 1)) throw outOfRange('burst last value');
      update(c, { lastValue: v }, 'burst last value');
    },
  }),
  ...control('SOUR#:BURS:INITValue', 'Control the level before the first trigger in V.', {
    get: (c) => formatG(Math.fround(state(c).initValue)),
    set: (c) => {
      const v = c.params.number('V');
      if (!(Math.abs(v) <= 1)) throw outOfRange('init value');
      update(c, { initValue: v }, 'init value');
    },
  }),
  ...control(RP_SCPI.genInitValue, {
    get: (c) => formatG(Math.fround(state(c).initValue)),
    set: (c) => {
      const v = c.params.number('V');
      if (!(Math.abs(v) <= 1)) throw outOfRange('init value');
      update(c, { initValue: v }, 'init value');
    },
  }),
  ...control(RP_SCPI.genTriggerSource, {
    get: (c) => state(c).triggerSource,
    set: (c) => {
      const source = c.params.choice(GEN_TRIGGER_SOURCES);
      update(c, { triggerSource: source, triggered: source === 'INT' }, 'trigger source');
    },
  }),
  command(RP_COMMANDS.genTrigger, 'Run: trigger generator <n> (restarts its waveform or burst sequence).', (c) => c.device.gen[dacChannel(c)]!.trigger(c.session, c.header)),
];

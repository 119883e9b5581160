import { ACQ_GAINS, ACQ_TRIGGER_SOURCES, BYTE_ORDERS, DATA_UNITS, RP_COMMANDS, RP_SCPI } from '../protocol/redPitayaScpi.js';
import { dataReply, inputChannel, readIndex } from './commandHelpers.js';
import { commonOnly } from './splitTriggerCommands.js';
import { command, control, type ScpiCommand } from './ScpiCommandTable.js';
import { ScpiApiError, ScpiCommandError, RP_API_ERROR } from './scpiErrors.js';
import { formatG, formatSampleRate } from './scpiFormat.js';

const TRIG_REQUESTS = ['PRE_TRIG', 'POST_TRIG', 'PRE_POST_TRIG'] as const;

/** Acquisition commands of firmware 2.07 (reference §1, Acquisition). */
export const ACQUIRE_COMMANDS: readonly ScpiCommand[] = [
  command(RP_COMMANDS.start, 'Run: arm the scope (trigger state WAIT once a source is set).', (c) => commonOnly(c).start(c.session, c.header)),
  command(RP_COMMANDS.stop, 'Run: stop writing the buffer.', (c) => commonOnly(c).stop()),
  command('ACQ:RST', 'Run: reset acquisition settings to defaults and this connection to ASCII (byte order kept).', (c) => {
    c.device.acq.reset();
    for (const a of c.device.splitAcq) a.reset();
    c.device.deep.reset();
    c.session.format = 'ASCII';
  }),
  ...control(RP_SCPI.decimation, {
    get: (c) => String(c.device.acq.decimation),
    set: (c) => c.device.acq.setDecimation(c.params.int()),
  }),
  ...control('ACQ:DEC:Factor', 'Control the decimation factor (1 to 65536; powers of 2 on the simulated board).', {
    get: (c) => String(c.device.acq.decimation),
    set: (c) => c.device.acq.setDecimationFactor(c.params.int()),
  }),
  ...control(RP_SCPI.averaging, {
    get: (c) => (c.device.acq.averaging ? 'ON' : 'OFF'),
    set: (c) => c.device.acq.setAveraging(c.params.bool()),
  }),
  command('ACQ:SRATe?', 'Measure the sample rate in Hz ("%9.0f Hz").', (c) => formatSampleRate(c.device.acq.sampleRateHz)),
  command(RP_COMMANDS.trigger, 'Set the trigger source (DISABLED, NOW, CH1_PE, CH1_NE, CH2_PE, CH2_NE, EXT_PE, EXT_NE, AWG_PE, AWG_NE).', (c) =>
    commonOnly(c).setSource(c.params.choice(ACQ_TRIGGER_SOURCES), c.session, c.header),
  ),
  command(RP_COMMANDS.triggerStatus, 'Measure the trigger state: WAIT, or TD once triggered.', (c) => commonOnly(c).triggerState),
  command(RP_COMMANDS.triggerFill, 'Measure whether all post-trigger samples are written (0/1).', (c) => (commonOnly(c).filled ? '1' : '0')),
  ...control(RP_SCPI.triggerDelay, {
    get: (c) => String(c.device.acq.delaySamples),
    // The firmware reads this parameter as optional: a bare `ACQ:TRig:DLY` sets 0.
    set: (c) => c.device.acq.setDelaySamples(c.params.hasMore ? c.params.int() : 0),
  }),
  ...control('ACQ:TRig:DLY:NS', 'Control the trigger delay in ns.', {
    get: (c) => String(c.device.acq.delayNs),
    set: (c) => c.device.acq.setDelayNs(c.params.hasMore ? c.params.int() : 0),
  }),
  ...control(RP_SCPI.triggerLevel, {
    get: (c) => formatG(c.device.acq.level),
    set: (c) => c.device.acq.setLevel(c.params.number('V')),
  }),
  ...control(RP_SCPI.triggerHysteresis, {
    get: (c) => formatG(c.device.acq.hysteresis),
    set: (c) => c.device.acq.setHysteresis(c.params.number('V')),
  }),
  ...control(RP_SCPI.gain, {
    get: (c) => c.device.gainOf(inputChannel(c)),
    set: (c) => {
      const ch = inputChannel(c);
      c.device.setGain(ch, c.params.choice(ACQ_GAINS));
    },
  }),
  ...control(RP_SCPI.dataUnits, {
    get: (c) => c.device.acq.units,
    set: (c) => {
      const units = c.params.choice(DATA_UNITS);
      for (const a of [c.device.acq, ...c.device.splitAcq]) a.units = units;
    },
  }),
  ...control(RP_SCPI.dataFormat, {
    get: (c) => (c.session.format === 'BIN' ? 'BIN' : 'ASCII'),
    set: (c) => {
      // The firmware compares the characters itself and fails without an API error: −200.
      const v = c.params.text().toUpperCase();
      if (v !== 'BIN' && v !== 'ASCII') throw new ScpiCommandError(-200);
      c.session.format = v;
    },
  }),
  ...control(RP_SCPI.byteOrder, {
    get: (c) => c.session.byteOrder,
    set: (c) => {
      c.session.byteOrder = c.params.choice(BYTE_ORDERS);
    },
  }),
  command('ACQ:BUF:SIZE?', 'Get the buffer length in samples.', (c) => String(c.device.board.info.bufferSize)),
  command('ACQ:WPOS?', 'Measure the write pointer (0 to 16383).', (c) => String(c.device.acq.writePointer(c.device.board.scheduler.now()))),
  command('ACQ:TPOS?', 'Measure the write pointer at the trigger (0 to 16383).', (c) => String(c.device.acq.triggerPointer)),
  command('ACQ:SOUR#:DATA:STArt:End?', 'Get samples from position s to e inclusive, wrapping.', (c) => {
    const ch = inputChannel(c);
    const acq = c.device.acqFor(ch);
    const n = c.device.board.info.bufferSize;
    const start = readIndex(c, n - 1, 'data');
    const end = readIndex(c, n - 1, 'data');
    return dataReply(c, acq.samples(ch, start, ((end - start + n) % n) + 1));
  }),
  command('ACQ:SOUR#:DATA:STArt:N?', 'Get n samples from position s, wrapping.', (c) => {
    const ch = inputChannel(c);
    const acq = c.device.acqFor(ch);
    const n = c.device.board.info.bufferSize;
    const start = readIndex(c, n - 1, 'data');
    const count = readIndex(c, n, 'data');
    return dataReply(c, acq.samples(ch, start, count));
  }),
  command('ACQ:SOUR#:DATA:Old:N?', 'Get the oldest n samples.', (c) => {
    const ch = inputChannel(c);
    const acq = c.device.acqFor(ch);
    const count = readIndex(c, c.device.board.info.bufferSize, 'data');
    return dataReply(c, acq.samples(ch, acq.oldestPosition, count));
  }),
  command('ACQ:SOUR#:DATA:LATest:N?', 'Get the newest n samples.', (c) => {
    const ch = inputChannel(c);
    const acq = c.device.acqFor(ch);
    const n = c.device.board.info.bufferSize;
    const count = readIndex(c, n, 'data');
    return dataReply(c, acq.samples(ch, acq.oldestPosition + n - count, count));
  }),
  command('ACQ:SOUR#:DATA:TRig?', 'Get n samples before (PRE_TRIG), after (POST_TRIG) or around (PRE_POST_TRIG) the trigger, trigger sample included.', (c) => {
    const ch = inputChannel(c);
    const acq = c.device.acqFor(ch);
    const n = c.device.board.info.bufferSize;
    const count = readIndex(c, n - 1, 'data');
    const mode = c.params.choice(TRIG_REQUESTS);
    const tp = acq.triggerPointer;
    if (mode === 'PRE_POST_TRIG' && 2 * count + 1 > n) throw new ScpiApiError(RP_API_ERROR.EOOR, 'Failed to get data: Value out of range.');
    const start = mode === 'POST_TRIG' ? tp : (tp - count + n) % n;
    const size = mode === 'PRE_POST_TRIG' ? 2 * count + 1 : count + 1;
    return dataReply(c, acq.samples(ch, start, size));
  }),
  command(RP_COMMANDS.data, 'Get the whole buffer, oldest sample first.', (c) => {
    const ch = inputChannel(c);
    const acq = c.device.acqFor(ch);
    return dataReply(c, acq.samples(ch, acq.oldestPosition, c.device.board.info.bufferSize));
  }),
  ...control('ACQ:TRig:EXT:DEBouncer[:US]', 'Control the external trigger debouncer in µs.', {
    get: (c) => formatG(c.device.acq.debouncerUs, 15),
    set: (c) => {
      const v = c.params.number();
      if (!(v >= 0)) throw new ScpiCommandError(-224);
      c.device.acq.debouncerUs = v;
    },
  }),
];

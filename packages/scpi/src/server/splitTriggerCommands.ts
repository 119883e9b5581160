import { ACQ_TRIGGER_SOURCES, RP_COMMANDS } from '../protocol/redPitayaScpi.js';
import type { AcquisitionModel } from './AcquisitionModel.js';
import { inputChannel } from './commandHelpers.js';
import { command, type ScpiCommand, type ScpiCommandContext } from './ScpiCommandTable.js';
import { ScpiApiError, RP_API_ERROR } from './scpiErrors.js';
import { formatG, formatSampleRate } from './scpiFormat.js';

/**
 * The common acquisition for `ACQ:START`, `ACQ:STOP`, `ACQ:TRig`, `ACQ:TRig:STAT?` and
 * `ACQ:TRig:FILL?`. In split-trigger mode the inputs have no common arm or trigger: these fail with
 * API error 24 (RP_NOTS, "not supported") and change nothing — use the `:CH<n>` forms.
 */
export function commonOnly(c: ScpiCommandContext): AcquisitionModel {
  if (c.device.splitTrigger) {
    throw new ScpiApiError(RP_API_ERROR.NOTS, `Failed to run ${c.header}: not supported in split-trigger mode (use the :CH<n> form).`);
  }
  return c.device.acq;
}

/**
 * The acquisition a `:CH<n>` command addresses: input n's own in split mode; otherwise the common one,
 * as the firmware passes per-channel calls to the common function when split mode is off. A channel
 * the board does not have (3 or 4 on a 2-input board) is API error 9506 "Invalid channel number", as
 * for `ACQ:SOUR<n>`.
 */
function channelAcq(c: ScpiCommandContext): AcquisitionModel {
  return c.device.acqFor(inputChannel(c));
}

function both(header: string, doc: string, get: (c: ScpiCommandContext) => string, set: (c: ScpiCommandContext) => void): ScpiCommand[] {
  return [command(header, `Set: ${doc}`, set), command(`${header}?`, `Get: ${doc}`, get)];
}

/**
 * Split triggering (firmware 2.05-37 and later; reference §1, Acquisition): `ACQ:SPLIT:TRig ON|OFF`
 * and the per-input forms that make sense for the simulated 2- and 4-input boards. Not implemented: the
 * interrupt (`INT#`), unlock, keep-arm, filter-bypass, timestamp and pre-trigger-counter forms.
 */
export const SPLIT_TRIGGER_COMMANDS: readonly ScpiCommand[] = [
  ...both(
    RP_COMMANDS.splitTrigger,
    'split-trigger mode, ON or OFF (switching stops every acquisition).',
    (c) => (c.device.splitTrigger ? 'ON' : 'OFF'),
    (c) => c.device.setSplitTrigger(c.params.bool()),
  ),
  command(RP_COMMANDS.startCh, 'Run: arm input n.', (c) => channelAcq(c).start(c.session, c.header)),
  command(RP_COMMANDS.stopCh, 'Run: stop writing input n.', (c) => channelAcq(c).stop()),
  command('ACQ:RST:CH#', 'Run: reset input n to defaults (common reset when split mode is off).', (c) => channelAcq(c).reset()),
  command(RP_COMMANDS.triggerCh, 'Set the trigger source of input n (DISABLED, NOW, CH1_PE, ... AWG_NE).', (c) =>
    channelAcq(c).setSource(c.params.choice(ACQ_TRIGGER_SOURCES), c.session, c.header),
  ),
  command(RP_COMMANDS.triggerStatusCh, 'Measure the trigger state of input n: WAIT, or TD once triggered.', (c) => channelAcq(c).triggerState),
  command(RP_COMMANDS.triggerFillCh, 'Measure whether all post-trigger samples of input n are written (0/1).', (c) => (channelAcq(c).filled ? '1' : '0')),
  ...both(
    RP_COMMANDS.decimationCh,
    'decimation of input n (powers of 2, 1 to 65536).',
    (c) => String(channelAcq(c).decimation),
    (c) => channelAcq(c).setDecimation(c.params.int()),
  ),
  ...both(
    'ACQ:DEC:Factor:CH#',
    'decimation factor of input n (powers of 2 on the simulated board).',
    (c) => String(channelAcq(c).decimation),
    (c) => channelAcq(c).setDecimationFactor(c.params.int()),
  ),
  command('ACQ:SRATe:CH#?', 'Measure the sample rate of input n in Hz.', (c) => formatSampleRate(channelAcq(c).sampleRateHz)),
  ...both(
    'ACQ:AVG:CH#',
    'averaging within each decimation step of input n, ON or OFF.',
    (c) => (channelAcq(c).averaging ? 'ON' : 'OFF'),
    (c) => channelAcq(c).setAveraging(c.params.bool()),
  ),
  ...both(
    RP_COMMANDS.triggerDelayCh,
    'trigger delay of input n in samples.',
    (c) => String(channelAcq(c).delaySamples),
    (c) => channelAcq(c).setDelaySamples(c.params.hasMore ? c.params.int() : 0),
  ),
  ...both(
    'ACQ:TRig:DLY:NS:CH#',
    'trigger delay of input n in ns.',
    (c) => String(channelAcq(c).delayNs),
    (c) => channelAcq(c).setDelayNs(c.params.hasMore ? c.params.int() : 0),
  ),
  ...both(
    RP_COMMANDS.triggerLevelCh,
    'trigger level of input n in V.',
    (c) => formatG(channelAcq(c).level),
    (c) => channelAcq(c).setLevel(c.params.number('V')),
  ),
  command(RP_COMMANDS.writePointerCh, 'Measure the write pointer of input n (0 to 16383).', (c) => String(channelAcq(c).writePointer(c.device.board.scheduler.now()))),
  command(RP_COMMANDS.triggerPointerCh, 'Measure the write pointer of input n at its trigger (0 to 16383).', (c) => String(channelAcq(c).triggerPointer)),
];

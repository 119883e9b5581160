import { DATA_UNITS, RP_COMMANDS } from '../protocol/redPitayaScpi.js';
import { adcChannel, dacChannel, dataReply } from './commandHelpers.js';
import { command, control, type ScpiCommand, type ScpiCommandContext } from './ScpiCommandTable.js';
import { ScpiApiError, ScpiCommandError, RP_API_ERROR } from './scpiErrors.js';

/** An unsigned 32-bit parameter (addresses, sizes, positions): −104 for a non-integer, 9506 outside 0…2^32 − 1. */
function uint32(c: ScpiCommandContext, what: string): number {
  const v = c.params.int();
  if (v < 0 || v > 0xffffffff) throw new ScpiApiError(RP_API_ERROR.EOOR, `Failed to ${what}: Value out of range.`);
  return v;
}

/**
 * Deep-memory acquisition commands of firmware 2.07 (`ACQ:AXI:*`, rp-api's `rp_AcqAxi*`), over
 * `ScpiDevice.deep` (docs/architecture.md, "Deep memory"). `ACQ:AXI:DEC` writes the same FPGA
 * decimation register as `ACQ:DEC:Factor`. On a board without deep memory every one fails with 9524
 * (Command not supported), as the firmware does on an FPGA image without the DMA.
 */
export const DEEP_MEMORY_COMMANDS: readonly ScpiCommand[] = [
  ...control(RP_COMMANDS.axiUnits, 'Control the deep-memory data units, VOLTS or RAW (one setting for all connections, default VOLTS).', {
    get: (c) => c.device.deep.units,
    set: (c) => {
      c.device.deep.units = c.params.choice(DATA_UNITS);
    },
  }),
  ...control('ACQ:AXI:DEC:CH#', 'Control the deep-memory decimation of input <n> (split trigger off: the common one).', {
    get: (c) => {
      adcChannel(c);
      c.device.deep.requireAvailable('Failed to get decimation');
      return String(c.device.acq.decimation);
    },
    set: (c) => {
      adcChannel(c);
      c.device.deep.requireAvailable('Failed to set decimation');
      c.device.acq.setDecimationFactor(c.params.int());
    },
  }),
  ...control(RP_COMMANDS.axiDecimation, 'Control the deep-memory decimation (1, 2, 4, 8, 16…65536; powers of 2 on the simulated board); the same register as ACQ:DEC:Factor.', {
    get: (c) => {
      c.device.deep.requireAvailable('Failed to get decimation');
      return String(c.device.acq.decimation);
    },
    set: (c) => {
      c.device.deep.requireAvailable('Failed to set decimation');
      c.device.acq.setDecimationFactor(c.params.int());
    },
  }),
  command(RP_COMMANDS.axiStart, 'Get the deep-memory region start address in bytes.', (c) => {
    c.device.deep.requireAvailable('Failed to get memory region');
    return String(c.device.deep.regionStart);
  }),
  command(RP_COMMANDS.axiSize, 'Get the deep-memory region size in bytes.', (c) => {
    c.device.deep.requireAvailable('Failed to get memory region');
    return String(c.device.deep.regionBytes);
  }),
  command(RP_COMMANDS.axiFill, 'Measure whether input <n> has written all its post-trigger samples (0/1).', (c) => (c.device.deep.filled(adcChannel(c)) ? '1' : '0')),
  ...control(RP_COMMANDS.axiTriggerDelay, 'Control the samples input <n> writes after the trigger (unsigned 32-bit).', {
    get: (c) => String(c.device.deep.delay(adcChannel(c))),
    set: (c) => {
      const ch = adcChannel(c);
      // the firmware reads this parameter as optional: a bare `Trig:Dly` sets 0
      c.device.deep.setDelay(ch, c.params.hasMore ? c.params.int() : 0);
    },
  }),
  command(RP_COMMANDS.axiWritePosition, 'Measure the ring position (samples) input <n> writes next.', (c) => String(c.device.deep.writePosition(adcChannel(c)))),
  command(RP_COMMANDS.axiTriggerPosition, 'Measure the ring position (samples) of the trigger in input <n>.', (c) => String(c.device.deep.triggerPosition(adcChannel(c)))),
  command(RP_COMMANDS.axiEnable, 'Set whether input <n> records into its deep-memory buffer (ON reserves it).', (c) => {
    const ch = adcChannel(c);
    c.device.deep.enable(ch, c.params.bool());
  }),
  command(RP_COMMANDS.axiData, 'Get n samples of input <n> from ring position pos (wrapping), in the deep-memory units.', (c) => {
    const ch = adcChannel(c);
    const pos = uint32(c, 'get data');
    const count = uint32(c, 'get data');
    return dataReply(c, c.device.deep.samples(ch, pos, count));
  }),
  command(RP_COMMANDS.axiSetBuffer, 'Set input <n>’s deep-memory buffer: start address and size in bytes (a multiple of 16, inside the region).', (c) => {
    const ch = adcChannel(c);
    const start = uint32(c, 'set write addresses');
    const size = uint32(c, 'set write addresses');
    c.device.deep.setBuffer(ch, start, size);
  }),
  // Deep-memory generation (firmware 2.07-48): over ScpiDevice.deepGen
  command('GEN:AXI:START?', 'Get the deep-memory region start address in bytes (shared with acquisition).', (c) => {
    c.device.deepGen.requireAvailable('Failed to get memory region');
    return String(c.device.deep.regionStart);
  }),
  command('GEN:AXI:SIZE?', 'Get the deep-memory region size in bytes (shared with acquisition).', (c) => {
    c.device.deepGen.requireAvailable('Failed to get memory region');
    return String(c.device.deep.regionBytes);
  }),
  command('SOUR#:AXI:RESERVE', 'Set output <n>’s deep-memory buffer: start and end address in bytes (size a multiple of 128).', (c) => {
    const ch = dacChannel(c);
    const start = uint32(c, 'reserve memory');
    const end = uint32(c, 'reserve memory');
    c.device.deepGen.reserve(ch, start, end);
  }),
  command('SOUR#:AXI:RELEASE', 'Run: release output <n>’s deep-memory buffer.', (c) => c.device.deepGen.release(dacChannel(c))),
  ...control('SOUR#:AXI:ENable', 'Control whether output <n> plays its deep-memory buffer (ON/OFF).', {
    get: (c) => (c.device.deepGen.enabled(dacChannel(c)) ? 'ON' : 'OFF'),
    set: (c) => {
      const ch = dacChannel(c);
      c.device.deepGen.setEnabled(ch, c.params.bool(), c.session, c.header);
    },
  }),
  ...control('SOUR#:AXI:DEC', 'Control how many DAC clocks output <n> holds each deep-memory sample (1 to 65535).', {
    get: (c) => String(c.device.deepGen.decimation(dacChannel(c))),
    set: (c) => {
      const ch = dacChannel(c);
      c.device.deepGen.setDecimation(ch, c.params.int(), c.session, c.header);
    },
  }),
  command('SOUR#:AXI:SET:CALIB', 'Run: apply the DAC calibration to output <n>’s deep-memory waveform.', (c) => c.device.deepGen.calibrate(dacChannel(c))),
  command('SOUR#:AXI:OFFSET#:DATA#', 'Set <count> samples (−1 to 1) of output <n>’s deep-memory buffer from sample <offset>: SOUR<n>:AXI:OFFSET<offset>:DATA<count> v1,v2,….', (c) => {
    const ch = dacChannel(c);
    const offset = c.suffixes[1] ?? 1;
    const count = c.suffixes[2] ?? 1;
    const values = c.params.numbers();
    // the firmware reads exactly `count` floats: another number is an execution error (−200)
    if (values.length !== count) throw new ScpiCommandError(-200, 'Wrong data length.');
    c.device.deepGen.write(ch, offset, values, c.session, c.header);
  }),
];

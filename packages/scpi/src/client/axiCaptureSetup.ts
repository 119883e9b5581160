import { SCOPE_SETTINGS, type InputGain } from '@labrx/core';
import { RP_COMMANDS, RP_SCPI, fill, setLine, type AcqGain } from '../protocol/redPitayaScpi.js';

/** DDR page in bytes: the second input's buffer starts on a page boundary. */
export const AXI_PAGE_BYTES = 4096;

/** What one deep-memory (`ACQ:AXI`) capture of both inputs is armed with. */
export interface AxiCaptureSetup {
  /** Where the region starts (`ACQ:AXI:START?`), in bytes. */
  readonly regionStart: number;
  /** Ring length of input 1 and input 2 in samples (each a multiple of 8: buffers are multiples of 16 bytes). */
  readonly ringSamples: readonly [number, number];
  /** Samples each input writes after its trigger (`Trig:Dly`, unsigned 32-bit). */
  readonly postTriggerSamples: number;
  /** Decimation (1…65536). */
  readonly decimation: number;
  /** Input gain of both inputs. */
  readonly gain: InputGain;
  /** Boxcar averaging (`ACQ:AVG`). */
  readonly boxcar: boolean;
  /** Commands that go after the common acquisition settings and before the buffers (trigger level, hysteresis, …). */
  readonly extra?: readonly string[];
}

/** `ACQ:STOP` and both inputs' `ENable OFF`: stops a capture and releases both buffers. */
export const AXI_RELEASE: readonly string[] = Object.freeze([RP_COMMANDS.stop, fill(RP_COMMANDS.axiEnable, 'OFF', 1), fill(RP_COMMANDS.axiEnable, 'OFF', 2)]);

/**
 * Byte address of each input's buffer: input 1 at the region start, input 2 on the first page
 * boundary after input 1's `ringSamples[0]` samples (2 bytes each).
 */
export function axiBufferStarts(regionStart: number, ringSamples: readonly [number, number]): [number, number] {
  return [regionStart, regionStart + Math.ceil((ringSamples[0] * 2) / AXI_PAGE_BYTES) * AXI_PAGE_BYTES];
}

/**
 * The commands that arm a deep-memory capture of both inputs, in order: BIN big-endian float32
 * volts, gains, decimation, averaging, `extra`, then release of earlier buffers, each input's buffer
 * (`SET:Buffer` at `axiBufferStarts`), its post-trigger samples, `ENable ON`, the trigger disabled
 * (a source left from an earlier acquisition would fire at START) and `ACQ:START`. The caller sends
 * them on one checked line and then the trigger source.
 */
export function axiCaptureSetup(s: AxiCaptureSetup): string[] {
  const gain = SCOPE_SETTINGS.wireValue('scpi', 'gain', s.gain) as AcqGain;
  const starts = axiBufferStarts(s.regionStart, s.ringSamples);
  const perInput = (ch: 1 | 2): string[] => [fill(RP_COMMANDS.axiSetBuffer, `${starts[ch - 1]},${s.ringSamples[ch - 1]! * 2}`, ch)];
  return [
    setLine(RP_SCPI.dataFormat, 'BIN'),
    setLine(RP_SCPI.byteOrder, 'BEND'),
    fill(RP_COMMANDS.axiUnits, 'VOLTS'),
    setLine(RP_SCPI.gain, gain, 1),
    setLine(RP_SCPI.gain, gain, 2),
    fill(RP_COMMANDS.axiDecimation, String(s.decimation)),
    setLine(RP_SCPI.averaging, s.boxcar),
    ...(s.extra ?? []),
    ...AXI_RELEASE,
    ...perInput(1),
    ...perInput(2),
    fill(RP_COMMANDS.axiTriggerDelay, String(s.postTriggerSamples), 1),
    fill(RP_COMMANDS.axiTriggerDelay, String(s.postTriggerSamples), 2),
    fill(RP_COMMANDS.axiEnable, 'ON', 1),
    fill(RP_COMMANDS.axiEnable, 'ON', 2),
    fill(RP_COMMANDS.trigger, 'DISABLED'),
    RP_COMMANDS.start,
  ];
}

import type { AcqSamples } from './AcquisitionModel.js';
import type { ScpiCommandContext, ScpiReply } from './ScpiCommandTable.js';
import { ScpiApiError, RP_API_ERROR } from './scpiErrors.js';
import { asciiFloatBlock, asciiIntBlock, binaryFloatBlock, binaryInt16Block } from './scpiFormat.js';

function channel(ctx: ScpiCommandContext, count: number): number {
  const n = ctx.suffixes[0] ?? 1;
  if (n < 1 || n > count) throw new ScpiApiError(RP_API_ERROR.EOOR, 'Invalid channel number');
  return n - 1;
}

/** The 0-based input of an `ACQ:SOUR<n>` header (9506 "Invalid channel number" otherwise). */
export function adcChannel(ctx: ScpiCommandContext): number {
  return channel(ctx, 2);
}

/**
 * The 0-based input of a standard-buffer `ACQ:SOUR<n>`/`:CH<n>` header: 1 to 4 on a 4-input board
 * (deep memory keeps `adcChannel`: the simulated DMA writes inputs 1 and 2).
 */
export function inputChannel(ctx: ScpiCommandContext): number {
  return channel(ctx, ctx.device.inputCount);
}

/** The 0-based generator of a `SOUR<n>`/`OUTPUT<n>` header. */
export function dacChannel(ctx: ScpiCommandContext): number {
  return channel(ctx, ctx.device.gen.length);
}

/** A data reply in the connection's format: ASCII `{…}` or an IEEE block in its byte order. */
export function dataReply(ctx: ScpiCommandContext, samples: AcqSamples): ScpiReply {
  const { format, byteOrder } = ctx.session;
  if (samples.units === 'RAW') return format === 'BIN' ? binaryInt16Block(samples.values, byteOrder) : asciiIntBlock(samples.values);
  return format === 'BIN' ? binaryFloatBlock(samples.values, byteOrder) : asciiFloatBlock(samples.values);
}

/** Float samples (generator tables) in the connection's format. */
export function floatReply(ctx: ScpiCommandContext, values: ArrayLike<number>): ScpiReply {
  return ctx.session.format === 'BIN' ? binaryFloatBlock(values, ctx.session.byteOrder) : asciiFloatBlock(values);
}

/** Reads an unsigned count or position in [0, max] (9506 otherwise). */
export function readIndex(ctx: ScpiCommandContext, max: number, what: string): number {
  const v = ctx.params.int();
  if (v < 0 || v > max) throw new ScpiApiError(RP_API_ERROR.EOOR, `Failed to get ${what}: Value out of range.`);
  return v;
}

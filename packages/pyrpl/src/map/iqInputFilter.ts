import { filterCutoffsHz } from '../server/filterResponse.js';
import { encodeFilterWord, filterMaxShift } from './filterWord.js';
import { IQ_INPUT_FILTER } from './registerMap.js';

/**
 * An IQ module's input filter as PyRPL's `acbandwidth` (iq.py:218-234: acbandwidth = −inputfilter;
 * register +0x120, one stage of red_pitaya_iq_block.v:35-37): positive a high-pass corner in Hz,
 * negative a low-pass, 0 off.
 */

/** The largest corner, Hz: per-cycle coefficient 1/2, one shift below MAXSHIFT (1 would pass nothing through a high-pass). */
export const IQ_AC_BANDWIDTH_MAX_HZ = filterCutoffsHz(0x80 | (filterMaxShift(IQ_INPUT_FILTER.minBwHz) - 1), 1, IQ_INPUT_FILTER.shiftBits, IQ_INPUT_FILTER.minBwHz)[0]!;

/** The input filter word for `acBandwidthHz` (Hz; positive high-pass, negative low-pass, 0 off). */
export function acBandwidthWord(acBandwidthHz: number): number {
  return encodeFilterWord([-acBandwidthHz], IQ_INPUT_FILTER.stages, IQ_INPUT_FILTER.shiftBits, IQ_INPUT_FILTER.minBwHz);
}

/** The `acbandwidth` (Hz) an input filter word holds: −inputfilter, 0 when off. */
export function acBandwidthOf(word: number): number {
  return -filterCutoffsHz(word, IQ_INPUT_FILTER.stages, IQ_INPUT_FILTER.shiftBits, IQ_INPUT_FILTER.minBwHz)[0]! || 0;
}

/**
 * The studio's waterfall frames (kind 10): spectrogram rows quantised to one byte per column, with
 * each row's dB range. The one source is `assets/waterfallFrames.js` (the page loads it as it is);
 * the server, tests and Node clients use it through this module. The layout and the quantisation
 * bound are documented there.
 */
import type { WaterfallFrame as JsWaterfallFrame, WaterfallHeader as JsWaterfallHeader, WaterfallRow as JsWaterfallRow } from './assets/waterfallFrames.js';

export {
  WATERFALL_FRAME_KIND,
  WATERFALL_HEADER_BYTES,
  WATERFALL_CODE_MAX,
  WATERFALL_CODE_NONE,
  WATERFALL_FLAG_RESET,
  quantiseDb,
  dequantiseDb,
  encodeWaterfallFrame,
  decodeWaterfallFrame,
} from './assets/waterfallFrames.js';

/** A waterfall frame's header fields (x0, dx in Hz; timestamp in ms, board clock). */
export type WaterfallHeader = JsWaterfallHeader;
/** One row: start in the stream (s), per channel its [lo, hi] (dB) and its codes. */
export type WaterfallRow = JsWaterfallRow;
/** A decoded waterfall frame. */
export type WaterfallFrame = JsWaterfallFrame;

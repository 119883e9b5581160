/**
 * The studio's binary WebSocket frames. The one source is `assets/frames.js` (plain ESM with JSDoc
 * types, which the page loads as it is, having no build step); the server, tests and Node clients
 * use it through this module. The layout is documented there.
 */
import { FRAME_KIND, type Frame as JsFrame, type FrameHeader as JsFrameHeader } from './assets/frames.js';

export { FRAME_KIND, FRAME_HEADER_BYTES, FRAME_FLAG_ENVELOPE, allocateFrame, decodeFrame } from './assets/frames.js';

/** A frame kind number. */
export type FrameKind = (typeof FRAME_KIND)[keyof typeof FRAME_KIND];
/** A frame's header fields (`timestamp`: ms, board clock). */
export type FrameHeader = JsFrameHeader;
/** A decoded frame: its header and its series (views into the received bytes). */
export type Frame = JsFrame;

/** Gapless streams: overflow handling, the pull face bounded in samples, and operators on blocks. */
export { failOnGap } from './failOnGap.js';
export { toBlockIterable, type BlockIterableOptions } from './toBlockIterable.js';
export { SegmentAssembler } from './SegmentAssembler.js';
export { welchSpectra, type WelchSpectraOptions, type WelchSpectrumVpk2 } from './welchSpectra.js';
export { rollingWindow, type RollingTrace } from './rollingWindow.js';
export { keepFreedMemory } from './keepFreedMemory.js';

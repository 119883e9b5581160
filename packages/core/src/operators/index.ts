export { type ArrayLens, traceLens } from './ArrayLens.js';
export { averageCount } from './averageCount.js';
export { runningAverage } from './runningAverage.js';
export { exponentialAverage } from './exponentialAverage.js';

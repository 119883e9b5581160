export { VirtualClock, drainMicrotasks } from './VirtualClock.js';
export { marbles, type DeepEqualAssert } from './marbles.js';
export { mulberry32, gaussianSource } from './seededRandom.js';
export { DeadlineQueue, type Deadline } from '../time/DeadlineQueue.js';

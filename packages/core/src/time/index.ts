export { PreciseScheduler, preciseScheduler, DEFAULT_TIMER_SPIN_MS, DEFAULT_WORKER_SPIN_MS, DEFAULT_SLICE_MS, type PreciseSchedulerOptions, type PreciseWaker } from './PreciseScheduler.js';

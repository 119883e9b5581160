// Phase 2 of `pnpm test`: tests that measure wall-clock concurrency (e.g. 200 boards finishing
// within 1.5 × one acquisition), one file at a time, so that other test files' CPU load does not
// decide their outcome. Everything else runs in virtual time in phase 1.
import base from './ava.config.mjs';

export default {
  ...base,
  files: ['test/**/*.realtime.test.ts'],
  concurrency: 1,
  timeout: '2m',
};

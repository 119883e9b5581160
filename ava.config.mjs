// Phase 1 of `pnpm test`: every test but the real-time ones, files in parallel.
export default {
  files: ['test/**/*.test.ts', '!test/**/*.realtime.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  // inactivity: no test of any file finished for this long (no test uses t.timeout(), see
  // docs/decisions/0026-test-watchdog.md); scripts/test.mjs adds a hard limit per run
  timeout: '4m',
};

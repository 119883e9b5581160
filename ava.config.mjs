// Phase 1 of `pnpm test`: every test but the real-time ones, files in parallel.
export default {
  files: ['test/**/*.test.ts', '!test/**/*.realtime.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '60s',
};

// The engine worker's entry. On Node 20, `--import` loader hooks (tsx) do not reach worker
// threads, so a worker started on a .ts file fails; this plain module registers tsx in the worker
// first when the engine is TypeScript source (in the workspace), then loads it. A compiled build
// has engineWorker.js beside it and needs no hooks.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';

try {
  const compiled = new URL('./engineWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) {
    await import(compiled.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(new URL('./engineWorker.ts', import.meta.url).href);
  }
} catch (error) {
  // The engine could not even load: answer the caller's wait for the hello (request 0) with the
  // error, or connectSync would sit out its whole start-up limit.
  const e = error instanceof Error ? error : new Error(String(error));
  workerData.port.postMessage({ id: 0, ok: false, error: { name: e.name, message: `the labrx engine failed to load: ${e.message}`, stack: e.stack, fields: {} } });
  const counter = new Int32Array(workerData.signal);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

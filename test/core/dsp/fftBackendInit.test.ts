import test from 'ava';
import { SettingsError, createFftPlan, initFftBackend, isFftBackendReady } from '@labrx/core';

// Its own file, so that its process has not loaded pffft yet (AVA runs each file in a new process).
test.serial("'pffft' needs initFftBackend first, and then works; 'fftjs' is always ready", async (t) => {
  t.true(isFftBackendReady('fftjs'));
  t.false(isFftBackendReady('pffft'));
  const e = t.throws(() => createFftPlan(64, 'pffft'), { instanceOf: SettingsError });
  t.regex(e!.message, /initFftBackend/);
  await Promise.all([initFftBackend('pffft'), initFftBackend('pffft')]); // concurrent calls share one load
  await initFftBackend('fftjs');
  t.true(isFftBackendReady('pffft'));
  t.is(createFftPlan(64, 'pffft').size, 64);
});

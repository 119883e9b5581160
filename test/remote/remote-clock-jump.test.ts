import { ConnectionLostError } from '@labrx/core';
import { connect } from 'labrx';
import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';
import test from 'ava';
import { natsServerAvailable } from '../helpers/natsServer.js';

// Issue #12's leftover: a wall-clock step (NTP correcting the clock, a VM resumed) must not look like
// silence. Heartbeats and client timeouts run on a monotonic clock (performance.now()), so stepping
// Date.now by an hour either way while a client streams changes nothing.

let served: ServedSim;
test.before(async () => {
  if (natsServerAvailable) served = await startServedSim({ seed: 3 }, { heartbeatMs: 500 });
});
test.after.always(async () => served?.close());

testNats('the wall clock stepping an hour forward and back while a client streams: no ConnectionLostError, the server keeps the client', async (t) => {
  const rp = await connect(served.url);
  const realNow = Date.now.bind(Date);
  t.teardown(async () => {
    Date.now = realNow;
    await rp.close();
  });
  let traces = 0;
  let failure: unknown;
  const sub = rp.scope.stream$({ decimation: 4096 }).subscribe({ next: () => traces++, error: (e: unknown) => (failure = e) });
  const wait = async (n: number): Promise<void> => {
    const target = traces + n;
    for (let i = 0; i < 1000 && traces < target && failure === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  };
  await wait(3);
  // clientTimeoutMs is 1.5 s here (generous for a loaded machine). A clock read as wall time would drop
  // the client whenever a liveness check falls between a step and the client's next message, and
  // would see the server silent likewise: twenty steps of an hour, forward then back, 100 ms apart,
  // against checks every 500 ms, make that near certain.
  let offsetMs = 0;
  for (let i = 0; i < 20; i++) {
    offsetMs += i < 10 ? 3_600_000 : -3_600_000;
    const at = offsetMs;
    Date.now = () => realNow() + at;
    await new Promise((r) => setTimeout(r, 100));
  }
  await wait(3);
  Date.now = realNow;
  sub.unsubscribe();
  t.is(failure, undefined, `the stream failed: ${String(failure)}`);
  t.false(failure instanceof ConnectionLostError);
  t.true(traces >= 6, `${traces} traces`);
  t.is(served.server.stats.errors, 0);
});

import test from 'ava';
import { filter, firstValueFrom, throwError, timeout } from 'rxjs';
import { connect, type Board } from 'labrx';
import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';
import { natsServerAvailable } from '../helpers/natsServer.js';
import { pollUntil, sleepMs } from '../helpers/until.js';
import { boardSubject, eventSubject } from '@labrx/remote';

// A board shared through a NATS board server: every client sees the generators' settings in force,
// whoever set them (another client, or a script in the server's own process), and a client that
// connects later starts from them, not from the defaults.

let served: ServedSim;
test.before(async () => {
  if (natsServerAvailable) served = await startServedSim({ seed: 8, noiseDensity: 0 });
});
test.after.always(async () => served?.close());

/** Resolves when `rp`'s generator `name` reads a frequency of `hz` (the pushed change arrived); rejects after 10 s. */
function seen(rp: Board, name: 'asg0' | 'asg1', hz: number): Promise<unknown> {
  return firstValueFrom(rp[name].settings$.pipe(filter((s) => s.frequency === hz), timeout({ first: 10_000, with: () => throwError(() => new Error(`${rp.id} ${name} never read ${hz} Hz (its settings: ${JSON.stringify({ ...rp[name].settings, data: null })})`)) })));
}

testNats("one client's generator change reaches the others; a later client starts from it; the server's own changes are pushed too", async (t) => {
  const a = await connect(served.url);
  const b = await connect(served.url);
  try {
    const arb = Float64Array.from({ length: 64 }, (_, i) => Math.sin((2 * Math.PI * i) / 64) ** 3);
    const toB = seen(b, 'asg0', 12_345);
    await a.asg0.set({ waveform: 'arbitrary', data: arb, frequency: 12_345, amplitude: 0.3, output: 'out1', burstCycles: 4, trigger: 'ext-rising' });
    await toB;
    t.like(b.asg0.settings, { waveform: 'arbitrary', frequency: 12_345, amplitude: 0.3, output: 'out1', burstCycles: 4, trigger: 'ext-rising' });
    t.deepEqual([...b.asg0.settings.data!], [...arb], 'the table travels whole');

    const c = await connect(served.url);
    try {
      t.like(c.asg0.settings, { frequency: 12_345, amplitude: 0.3 }, 'a later client starts from the settings in force');
      // a script in the server's process sets asg1: every client hears it
      const toA = seen(a, 'asg1', 777);
      const toC = seen(c, 'asg1', 777);
      await served.board.asg1.set({ frequency: 777, amplitude: 0.1, output: 'out2' });
      await Promise.all([toA, toC]);
      t.like(a.asg1.settings, { frequency: 777, amplitude: 0.1, output: 'out2' });
      t.like(c.asg1.settings, { frequency: 777, amplitude: 0.1, output: 'out2' });
      // and a set resolves with its own settings on the setter (the push agrees)
      t.like(await c.asg1.set({ frequency: 778 }), { frequency: 778, amplitude: 0.1 });
      await seen(a, 'asg1', 778);
    } finally {
      await c.close();
    }
  } finally {
    await a.close();
    await b.close();
  }
});

testNats('a closed client stops following: its settings$ completes, and later pushes reach the others only', async (t) => {
  const a = await connect(served.url);
  const b = await connect(served.url);
  let completed = false;
  a.asg0.settings$.subscribe({ complete: () => (completed = true) });
  await a.close();
  t.true(completed, 'closing the board ends settings$');
  try {
    const toB = seen(b, 'asg0', 4321);
    await served.board.asg0.set({ frequency: 4321 });
    await toB;
    t.is(b.asg0.settings.frequency, 4321);
  } finally {
    await b.close();
  }
});

testNats('no change is lost between the info reply and the first push: a change published right after the reply reaches the new client', async (t) => {
  // A stand-in board server 'lab9/fake0' on the served board's NATS: it answers the info request
  // with the real server's reply and, on the same connection right after it, publishes a change of
  // asg0. A client that subscribed to the pushes only once it had the reply (as before) was a round
  // trip late for it and kept the stale settings for ever; subscribed before asking, it gets it.
  const info = (await served.nc.request(boardSubject('lab1', 'board0', 'info'), new TextEncoder().encode('{}'), { timeout: 5000 })).data;
  const events: Uint8Array[] = [];
  const spy = served.nc.subscribe(eventSubject('lab1', 'board0', 'asg'), { callback: (_e, m) => events.push(m.data) });
  await served.nc.flush();
  await served.board.asg0.set({ frequency: 31_415 });
  await pollUntil(() => events.length > 0, () => sleepMs(5), 'the real server to push the change', 10_000);
  spy.unsubscribe();
  const fake = served.nc.subscribe(boardSubject('lab9', 'fake0', 'info'), {
    callback: (_e, m) => {
      m.respond(info);
      served.nc.publish(eventSubject('lab9', 'fake0', 'asg'), events[0]!);
    },
  });
  t.teardown(() => fake.unsubscribe());
  await served.nc.flush();
  const rp = await connect(`${served.nats.url}/lab9/fake0`);
  try {
    await seen(rp, 'asg0', 31_415);
    t.is(rp.asg0.settings.frequency, 31_415);
  } finally {
    await rp.close();
  }
});

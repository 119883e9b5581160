import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { hostname } from 'node:os';
import { ResourceBusyError } from '@labrx/core';
import { connect } from 'labrx';
import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';
import { natsServerAvailable } from '../helpers/natsServer.js';

// Generator and IQ leases are the board server's too: a network analyzer sweeping on one client
// keeps other clients off asg0 and iq2 until it stops.

let served: ServedSim;
test.before(async () => {
  if (natsServerAvailable) served = await startServedSim({ seed: 5 });
});
test.after.always(async () => served?.close());

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition not met within 5 s');
};

testNats('a sweep on client A leases asg0 and iq2 on the server: B cannot set asg0 or start its own sweep; it can once A stops', async (t) => {
  const a = await connect(served.url);
  const b = await connect(served.url);
  try {
    const sweep = a.na.stream$({ start: 1e5, stop: 2e5, points: 21, rbw: 1e4 }).subscribe({ error: (e: unknown) => t.log('sweep error', e) });
    await until(() => served.board.leases.holderOf('asg0') !== undefined);
    const holder = served.board.leases.holderOf('asg0')!.owner;
    t.regex(holder, new RegExp(`^na of .+@${hostname()} \\(pid ${process.pid}\\)$`));
    t.is(served.board.leases.holderOf('iq2')?.owner, holder);
    const e1 = await t.throwsAsync(b.asg0.set({ amplitude: 0.1 }), { instanceOf: ResourceBusyError });
    t.is(e1!.holder, holder);
    const e2 = await t.throwsAsync(b.na.single({ start: 1e5, stop: 2e5, points: 5, rbw: 1e4 }, { wait: false }), { instanceOf: ResourceBusyError });
    t.is(e2!.holder, holder);
    sweep.unsubscribe();
    await until(() => served.board.leases.holderOf('asg0') === undefined);
    const applied = await b.asg0.set({ amplitude: 0.1 });
    t.is(applied.amplitude, 0.1);
    const h = await b.na.single({ start: 1e5, stop: 2e5, points: 5, rbw: 1e4 }, { wait: false });
    t.is(h.frequencies.length, 5);
  } finally {
    await a.close();
    await b.close();
  }
});

testNats('right after `await na.single()` on a remote board, asg0.set and an IQ measurement work: they wait for the sweep to give the generator back (a round trip) instead of finding it busy', async (t) => {
  const rp = await connect(served.url);
  try {
    const h = await rp.na.single({ start: 1e5, stop: 2e5, points: 5, rbw: 1e4, amplitude: 0.1 });
    t.is(h.frequencies.length, 5);
    const applied = await rp.asg0.set({ waveform: 'sine', frequency: 1.5e5, amplitude: 0.1, output: 'out1' });
    t.is(applied.frequency, 1.5e5);
    t.is(served.board.asg0.settings.frequency, 1.5e5);
    await rp.na.single({ start: 1e5, stop: 2e5, points: 3, rbw: 1e4 });
    const r = await firstValueFrom(rp.iq2.measure$({ input: 'in1', frequencyHz: 1.5e5, lockToAsg: 0, settleS: 0, integrationS: 1e-3 }));
    // the generator's 0.1 V sine through the wire, within the noise of a 1 ms integration
    t.true(Math.abs(Math.hypot(r.re, r.im) - 0.1) < 0.01, `|iq| = ${Math.hypot(r.re, r.im)} V`);
  } finally {
    await rp.close();
  }
});

import test from 'ava';
import { testNats } from './remoteFixture.js';
import { createSimBoard, type SimBoard } from '@labrx/hw-sim';
import { Board } from '@labrx/instruments';
import { connectNats, serveBoards, type BoardServer, type NatsConnection } from '@labrx/remote';
import { connect } from 'labrx';
import { natsServerAvailable, startNatsServer, type NatsServerProcess } from '../helpers/natsServer.js';

// Two clients of one served board: sharing, settings over the network, results equal to in-process.

let nats: NatsServerProcess;
let nc: NatsConnection;
let server: BoardServer;
let sim: SimBoard;
let local: Board;

test.before(async () => {
  if (!natsServerAvailable) return;
  nats = await startNatsServer();
  nc = await connectNats(nats.url);
  sim = createSimBoard({ seed: 7, noiseDensity: 0 });
  local = new Board(sim);
  server = await serveBoards({ nats: nc, name: 'lab1', boards: [local], heartbeatMs: 200 });
});

test.after.always(async () => {
  await server?.close();
  await nc?.close();
  await local?.close();
  await nats?.stop();
});

testNats('a remote board has the served board\'s info and gives its traces, bit for bit', async (t) => {
  const rp = await connect(`${nats.url}/lab1/board0`);
  try {
    // the served board's facts, less deep memory and the PID/IQ modules' limits: a remote board offers
    // neither (yet), so it does not claim them
    const { deepMemorySamples: _deep, pid: _pid, iqModule: _iq, ...served } = sim.info;
    t.deepEqual(rp.info, served);
    t.is(rp.info.deepMemorySamples, undefined);
    t.is(rp.info.pid, undefined);
    const applied = await rp.asg0.set({ waveform: 'sine', frequency: 1e6, amplitude: 0.4, output: 'out1' });
    t.is(applied.frequency, 1e6);
    // the server's Board knows the generator's settings the client set
    t.is(local.asg0.settings.amplitude, 0.4);
    const tr = await rp.scope.single({ decimation: 1 });
    t.is(tr.ch1.length, 16384);
    t.is(tr.dt, 1 / 125e6);
    // a 0.4 V sine through a noiseless wire: the peak is 0.4 V within one ADC step (2/2^14 V)
    const peak = tr.ch1.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    t.true(Math.abs(peak - 0.4) <= 2 / 2 ** 14 + 1e-9, `peak ${peak}`);
  } finally {
    await rp.close();
  }
});

testNats('two clients streaming the same settings share one acquisition loop on the server', async (t) => {
  const a = await connect(`${nats.url}/lab1/board0`);
  const b = await connect(`${nats.url}/lab1/board0`);
  try {
    // 16384 · 2048 / 125 MHz = 268 ms per acquisition, long against a credit's round trip through
    // NATS on loopback (about a millisecond, tens on a loaded machine), so each client asks for every trace in time
    const settings = { decimation: 2048 };
    const n = 4;
    const before = sim.acquisitionsStarted;
    let loopsSeen = 0;
    const take = async (rp: Board): Promise<number[]> => {
      const out: number[] = [];
      for await (const tr of rp.scope.stream(settings, { bufferSize: 1 })) {
        out.push(tr.timestamp);
        loopsSeen = Math.max(loopsSeen, server.loopsOf('board0'));
        if (out.length === n) break;
      }
      return out;
    };
    const [ta, tb] = await Promise.all([take(a), take(b)]);
    const acquisitions = sim.acquisitionsStarted - before;
    t.is(loopsSeen, 1, 'one acquisition loop on the server for both clients');
    // one shared loop: about n acquisitions (a client may start one acquisition later than the
    // other, and the loop may have armed one more before the last credit stopped it); a loop per
    // client would be ≥ 2n
    t.true(acquisitions <= n + 2, `${acquisitions} acquisitions for two clients × ${n} traces`);
    const common = ta.filter((x) => tb.includes(x)).length;
    t.true(common >= n - 1, `the clients got ${common} of ${n} traces in common`);
  } finally {
    await a.close();
    await b.close();
  }
});
